import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  login,
  postReport,
  report,
  startTestServer,
  type TestServer,
} from '../support/server.js';

let server: TestServer;
let duty: string;
beforeAll(async () => {
  server = await startTestServer();
  duty = await login(server.url, 'duty');
});
afterAll(() => server.stop());

describe('intake API', () => {
  it('opens an incident in the grid that contains the report, and says it created one', async () => {
    const r = report();
    const res = await postReport(server.url, r);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ result: 'created' });
    const { body } = await api(server.url, `/api/v1/incidents/${res.body.incidentId}`, {
      token: duty,
    });
    expect(body.incident).toMatchObject({
      state: 'reported',
      category: 'dispute',
      title: r.title,
      reportCount: 1,
    });
    expect(body.incident.gridId).toMatch(/./);
    expect(body.incident.deadline.step).toBe('accept');
    expect(body.reports).toHaveLength(1);
    expect(body.reports[0]).toMatchObject({
      externalId: r.externalId,
      incidentId: res.body.incidentId,
    });
  });

  it('is idempotent: a retry returns the same incident and says it was a duplicate', async () => {
    const r = report();
    const first = await postReport(server.url, r);
    const retry = await postReport(server.url, r);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ ...first.body, result: 'duplicate' });
    const { body } = await api(server.url, `/api/v1/incidents/${first.body.incidentId}`, {
      token: duty,
    });
    expect(body.reports).toHaveLength(1);
  });

  it('attaches reports of the same category close in space and time to one open incident', async () => {
    const base = report({ category: 'safety-hazard', location: { lng: 0, lat: 0 } });
    // Place them around a real point of the city, 30-60 m apart.
    const origin = report().location;
    const near = (dLat: number) => ({ lng: origin.lng + 0.0004, lat: origin.lat + dLat });
    const results = [];
    for (const [i, d] of [0, 0.0003, -0.0004, 0.0002].entries()) {
      results.push(
        await postReport(server.url, {
          ...base,
          externalId: `${base.externalId}-${i}`,
          location: near(d),
        }),
      );
    }
    expect(results.map((r) => r.body.result)).toEqual([
      'created',
      'attached',
      'attached',
      'attached',
    ]);
    expect(new Set(results.map((r) => r.body.incidentId)).size).toBe(1);
    const { body } = await api(server.url, `/api/v1/incidents/${results[0]!.body.incidentId}`, {
      token: duty,
    });
    expect(body.incident.reportCount).toBe(4);
    expect(body.reports).toHaveLength(4);
    // Another category at the same spot is a different incident.
    const other = await postReport(server.url, {
      ...base,
      externalId: `${base.externalId}-x`,
      category: 'city-management',
      location: near(0),
    });
    expect(other.body.result).toBe('created');
  });

  it('deduplicates within one batch too, and lands a batch whole', async () => {
    const a = report({ category: 'public-order' });
    const batch = { reports: [a, { ...a, externalId: `${a.externalId}-b` }, a] };
    const res = await api(server.url, '/api/v1/reports/batch', {
      token: 'demo-ingest-key',
      body: batch,
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { result: string }) => r.result)).toEqual([
      'created',
      'attached',
      'duplicate',
    ]);
  });

  it('refuses a batch with one bad report and writes none of it', async () => {
    const good = report({ category: 'emergency' });
    const bad = report({ location: { lng: 100, lat: 30 } });
    const res = await api(server.url, '/api/v1/reports/batch', {
      token: 'demo-ingest-key',
      body: { reports: [good, bad] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('reports[1].location');
    expect(res.body.error.message).toContain('outside the city');
    const retry = await postReport(server.url, good);
    expect(retry.body.result).toBe('created');
  });

  it('answers bad input with 400 naming each bad field', async () => {
    const res = await postReport(server.url, {
      ...report(),
      category: 'alien',
      location: { lng: 'east' },
      title: '',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_fields');
    const paths = (res.body.error.fields as { path: string }[]).map((f) => f.path);
    for (const field of ['category', 'location.lng', 'location.lat', 'title']) {
      expect(paths).toContain(field);
      expect(res.body.error.message).toContain(field);
    }
    const garbage = await fetch(`${server.url}/api/v1/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer demo-ingest-key' },
      body: '{"source": ',
    });
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { error: unknown }).error).toEqual({
      code: 'body_not_json',
      message: 'request body is not valid JSON',
    });
  });

  it('refuses a point outside the city and an unknown camera', async () => {
    const outside = await postReport(server.url, report({ location: { lng: 116.4, lat: 39.9 } }));
    expect(outside.status).toBe(400);
    expect(outside.body.error.message).toMatch(/location.*outside the city/);
    const camera = await postReport(server.url, report({ cameraId: 'no-such-camera' }));
    expect(camera.status).toBe(400);
    expect(camera.body.error.message).toContain('cameraId');
  });

  it('answers 401 to an unknown key and 413 to a body too large', async () => {
    for (const key of ['wrong-key-123', '']) {
      const refused = await postReport(server.url, report(), key);
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe('intake_key_invalid');
    }
    const huge = {
      reports: Array.from({ length: 400 }, () => report({ description: 'x'.repeat(3900) })),
    };
    const res = await api(server.url, '/api/v1/reports/batch', {
      token: 'demo-ingest-key',
      body: huge,
    });
    expect(res.status).toBe(413);
    expect(res.body.error).toEqual({ code: 'body_too_large', message: 'request body too large' });
  });

  it('counts intake by result in the Prometheus metrics', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/citybrain_intake_reports_total\{result="created"\} \d+/);
    expect(text).toMatch(/citybrain_intake_reports_total\{result="duplicate"\} \d+/);
    expect(text).toMatch(/citybrain_store_commit_seconds_count \d+/);
  });
});
