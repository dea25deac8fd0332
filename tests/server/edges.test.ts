import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  INGEST_KEY,
  login,
  postReport,
  report,
  startTestServer,
  type TestServer,
} from '../support/server.js';

/** The server's edges: headers, metrics, intake keys; each refusal beside its allowance. */
describe('the edges of the server', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ env: { METRICS_TOKEN: 'a-metrics-token-for-prometheus' } });
    token = await login(server.url, 'duty');
  });
  afterAll(() => server?.stop());

  it('sends the security headers on every screen, API route, stream and intake answer', async () => {
    const routes: [string, RequestInit?][] = [
      ['/'],
      ['/login'],
      ['/wall'],
      ['/desk'],
      ['/brief'],
      ['/video'],
      ['/admin/audit'],
      ['/api/health'],
      ['/api/v1/client-config'],
      ['/api/v1/regions'],
      ['/api/v1/incidents'],
      ['/api/v1/no-such-route'],
      ['/api/v1/auth/me'],
      ['/metrics'],
      ['/basemap/style.json'],
      ['/streams/cam-0001/index.m3u8'],
      [
        '/api/v1/reports',
        { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } },
      ],
      [
        '/api/v1/auth/login',
        { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } },
      ],
    ];
    for (const [path, init] of routes) {
      const res = await fetch(`${server.url}${path}`, init);
      await res.arrayBuffer();
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
    }
  });

  it('serves /metrics only with its token', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${server.url}/metrics`, {
      headers: { authorization: 'Bearer not-the-metrics-token-at-all' },
    });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe(
      'metrics_token_required',
    );
    // A user's session is not a metrics token either.
    expect(
      (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } }))
        .status,
    ).toBe(401);
    const right = await fetch(`${server.url}/metrics`, {
      headers: { authorization: 'Bearer a-metrics-token-for-prometheus' },
    });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain('citybrain_logins_total');
  });

  it('keeps each integration’s external ids its own', async () => {
    const other = server.auth.internalKey('another-integration');
    const body = report({ externalId: 'shared-external-id-1' });
    const first = await postReport(server.url, body);
    const again = await postReport(server.url, body);
    const theirs = await postReport(server.url, body, other);
    expect(first.status).toBe(201);
    // The same integration repeating itself is a duplicate of its own report...
    expect(again.body).toMatchObject({ result: 'duplicate', reportId: first.body.reportId });
    // ...another integration with the same id is another report, not a claim on the first.
    expect(theirs.body.result).not.toBe('duplicate');
    expect(theirs.body.reportId).not.toBe(first.body.reportId);
  });

  it('refuses a wrong intake key with 401 before reading the body', async () => {
    const answer = (key: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${server.url}/api/v1/reports`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${key}`,
            // Announced, never sent: only an answer given before reading can arrive.
            'content-length': String(50 * 2 ** 20),
          },
        });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, body: text }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.flushHeaders();
      });
    const refused = await answer('not-an-ingest-key');
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body).error.code).toBe('intake_key_invalid');
    const missing = await api(server.url, '/api/v1/reports', { body: report() });
    expect(missing.status).toBe(401);
    // The right key gets past the gate to the body (a valid one is then taken: see intake tests).
    expect((await postReport(server.url, report(), INGEST_KEY)).status).toBe(201);
  });

  it('keeps the timeline of an incident with hundreds of reports short, and pages its reports', async () => {
    const at = report();
    const batch = Array.from({ length: 300 }, (_, i) =>
      report({ location: at.location, externalId: `crowd-${process.pid}-${i}`, title: '群众聚集' }),
    );
    const { status, body } = await api(server.url, '/api/v1/reports/batch', {
      token: INGEST_KEY,
      body: { reports: batch },
    });
    expect(status).toBe(200);
    const ids = new Set((body.results as { incidentId: string }[]).map((r) => r.incidentId));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    const detail = await api(server.url, `/api/v1/incidents/${id}`, { token });
    expect(detail.body.incident.reportCount).toBe(300);
    expect(detail.body.incident.timeline.length).toBeLessThanOrEqual(3);
    const attached = detail.body.incident.timeline.find(
      (e: { action: string }) => e.action === 'report-attached',
    );
    expect(attached.detail.reports).toBe(299);
    expect(detail.body.reports.length).toBeLessThanOrEqual(50);
    expect(detail.body.reportsTotal).toBe(300);
    const seen = new Set<string>();
    for (let offset = 0; offset < 300; offset += 100) {
      const page = await api(
        server.url,
        `/api/v1/incidents/${id}/reports?limit=100&offset=${offset}`,
        { token },
      );
      expect(page.status).toBe(200);
      expect(page.body.total).toBe(300);
      for (const r of page.body.reports as { id: string }[]) seen.add(r.id);
    }
    expect(seen.size).toBe(300);
    expect(
      (await api(server.url, `/api/v1/incidents/${id}/reports?limit=5000`, { token })).status,
    ).toBe(400);
  });
});
