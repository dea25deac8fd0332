import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Region } from '../../shared/index.js';
import {
  api,
  demoCity,
  login,
  postReport,
  report,
  startTestServer,
  waitFor,
  type TestServer,
} from '../support/server.js';

/** What the receiver does with a request to a path. */
type Behaviour = 'ok' | 'fail' | 'reset' | 'redirect';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status answered; 0 when the connection was cut. */
  answered: number;
}

/** A department's system receiving webhooks: a real HTTP server that can fail, cut or refuse. */
class Receiver {
  readonly requests: Received[] = [];
  readonly behaviour = new Map<string, Behaviour>();
  private server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url!;
        const got = { path, headers: req.headers, body: Buffer.concat(chunks).toString() };
        const behaviour = this.behaviour.get(path) ?? 'ok';
        if (behaviour === 'reset') {
          this.requests.push({ ...got, answered: 0 });
          req.socket.destroy();
          return;
        }
        const status = { ok: 200, fail: 500, redirect: 302 }[behaviour];
        this.requests.push({ ...got, answered: status });
        if (behaviour === 'redirect') res.setHeader('location', `${path}-moved`);
        res.writeHead(status, { 'content-type': 'text/plain' }).end(`answer ${status}`);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Stops listening: further POSTs are refused (ECONNREFUSED) until `start` again. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Requests to a path the receiver took (2xx), parsed. */
  accepted(path: string): Payload[] {
    return this.requests
      .filter((r) => r.path === path && r.answered === 200)
      .map((r) => JSON.parse(r.body) as Payload);
  }
}

interface Payload {
  id: string;
  event: string;
  seq: number;
  at: string;
  incident: { id: string; version: number } & Record<string, unknown>;
  change: {
    action: string;
    at: string;
    actor: Record<string, unknown>;
    from: string | null;
    to: string;
    comment?: string;
  } | null;
}

/** The signature a receiver expects, computed here with node:crypto, not with the server's code. */
function expectedSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A config file with a retry schedule in milliseconds, so hours of backoff take a moment. */
const configDirs: string[] = [];
afterAll(() => {
  for (const dir of configDirs) rmSync(dir, { recursive: true, force: true });
});
function configFile(retrySchedule: number[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'citybrain-webhooks-config-'));
  configDirs.push(dir);
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ webhooks: { retrySchedule, timeoutMs: 3000 } }));
  return file;
}

const PATIENT = Array.from({ length: 60 }, (_, i) => Math.min(100 * (i + 1), 500));

/** The street a grid lies in, by its community's parent. */
function streetOf(gridId: string): string {
  const byId = new Map<string, Region>(
    demoCity().regions.features.map((f) => [f.properties.id, f.properties]),
  );
  return byId.get(byId.get(gridId)!.parentId!)!.parentId!;
}

function gridsOf() {
  return demoCity().regions.features.filter((f) => f.properties.level === 'grid');
}

async function versionOf(url: string, token: string, id: string): Promise<number> {
  const { body } = await api(url, `/api/v1/incidents/${id}`, { token });
  return body.incident.version as number;
}

describe('outbound webhooks', () => {
  let server: TestServer;
  const receiver = new Receiver();
  const tokens: Record<string, string> = {};
  const act = (id: string, body: unknown, token = tokens.duty) =>
    api(server.url, `/api/v1/incidents/${id}/actions`, { token, body });
  const admin = (path: string, options: { method?: string; body?: unknown } = {}) =>
    api(server.url, `/api/v1/admin/webhooks${path}`, { token: tokens.admin, ...options });

  beforeAll(async () => {
    await receiver.start();
    server = await startTestServer({ env: { CONFIG_FILE: configFile(PATIENT) } });
    for (const user of ['duty', 'admin', 'leader', 'operator', 'dept'])
      tokens[user] = await login(server.url, user);
  });
  afterAll(async () => {
    await server?.stop();
    await receiver.stop();
  });

  it('delivers every incident change exactly once, signed, in order per incident, through failures', async () => {
    receiver.behaviour.set('/all', 'fail');
    const created = await admin('', {
      body: { name: '区综治平台', url: receiver.url('/all') },
    });
    expect(created.status).toBe(201);
    const { secret, id: webhookId } = created.body.webhook;
    expect(secret).toMatch(/^whsec_/);
    // Listed and read back without its secret.
    const listed = await admin('');
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(listed.body.webhooks.find((w: { id: string }) => w.id === webhookId)).toMatchObject({
      name: '区综治平台',
      active: true,
      filter: {},
    });
    expect((await admin(`/${webhookId}`)).body.webhook.secret).toBeUndefined();

    // Three reports, a walk-in with the caller's phone number, and the loop's first steps.
    const [mediation] = demoCity().departments;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (await postReport(server.url, report({ category: 'citizen-request' }))).body.incidentId,
      );
    const walkIn = await api(server.url, '/api/v1/registrations', {
      token: tokens.duty,
      body: {
        channel: 'visit',
        contact: { name: '陈阿姨', phone: '13812345678' },
        category: 'citizen-request',
        title: '咨询高龄津贴申领',
        location: { lng: 112.922072, lat: 22.939214 },
      },
    });
    expect(walkIn.status).toBe(201);
    ids.push(walkIn.body.incidentId);
    for (const id of ids.slice(0, 2)) {
      expect((await act(id, { action: 'accept', version: 1 })).status).toBe(200);
      const dispatched = await act(id, {
        action: 'dispatch',
        departmentId: mediation!.id,
        comment: '请调解',
        version: 2,
      });
      expect(dispatched.status).toBe(200);
    }

    // The receiver answers 500: the log shows the retries, the next try booked.
    await eventually(
      async () => {
        const { body } = await admin(`/${webhookId}/deliveries?status=pending`);
        return body.deliveries.some((d: { attempts: number }) => d.attempts >= 2);
      },
      15_000,
      'retries in the delivery log',
    );
    const pending = (await admin(`/${webhookId}/deliveries?status=pending&limit=100`)).body;
    const retried = pending.deliveries.find((d: { attempts: number }) => d.attempts >= 2);
    expect(retried).toMatchObject({ status: 'pending', lastStatusCode: 500, deliveredAt: null });
    expect(retried.lastError).toContain('HTTP 500');
    expect(Date.parse(retried.nextAttemptAt)).toBeGreaterThan(0);
    // Per incident, only the first change was tried: the later ones wait behind it.
    const tried = receiver.requests.filter((r) => r.path === '/all').map((r) => JSON.parse(r.body));
    expect(tried.every((p: Payload) => p.incident.version === 1)).toBe(true);

    // Then it cuts connections, then it is not there at all, then it recovers.
    receiver.behaviour.set('/all', 'reset');
    const before = receiver.requests.length;
    await waitFor(() => receiver.requests.length > before, 10_000, 'a request to cut');
    await receiver.stop();
    await eventually(
      async () => {
        const { body } = await admin(`/${webhookId}/deliveries?status=pending`);
        return body.deliveries.some((d: { lastError: string | null }) =>
          d.lastError?.startsWith('connection failed'),
        );
      },
      10_000,
      'a refused connection in the log',
    );
    receiver.behaviour.set('/all', 'ok');
    await receiver.start();

    // Every change of these incidents is one delivery: versions 1..current of each.
    const expected = new Set<string>();
    for (const id of ids) {
      const version = await versionOf(server.url, tokens.duty!, id);
      for (let v = 1; v <= version; v++) expected.add(`${id}@${v}`);
    }
    expect(expected.size).toBe(4 + 2 * 2);
    await waitFor(
      () => new Set(receiver.accepted('/all').map((p) => p.id)).size >= expected.size,
      30_000,
      'every change delivered',
    );
    const accepted = receiver.accepted('/all');
    // Exactly once by delivery id: taken once each, and the same id always carried the same change.
    expect(accepted.length).toBe(expected.size);
    expect(new Set(accepted.map((p) => `${p.incident.id}@${p.incident.version}`))).toEqual(
      expected,
    );
    const changeOfId = new Map<string, string>();
    for (const r of receiver.requests.filter((q) => q.path === '/all')) {
      const p = JSON.parse(r.body) as Payload;
      const change = `${p.incident.id}@${p.incident.version}@${p.seq}`;
      expect(changeOfId.get(p.id) ?? change).toBe(change);
      changeOfId.set(p.id, change);
    }

    // Signed with the secret over "<timestamp>.<raw body>"; headers match the body.
    for (const r of receiver.requests.filter((q) => q.path === '/all')) {
      const p = JSON.parse(r.body) as Payload;
      const timestamp = r.headers['x-citybrain-timestamp'] as string;
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-citybrain-signature']).toBe(expectedSignature(secret, timestamp, r.body));
      expect(r.headers['x-citybrain-delivery']).toBe(p.id);
      expect(r.headers['x-citybrain-event']).toBe(p.event);
      expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(120);
    }

    // In order per incident: no change was sent before every earlier one was taken.
    const taken = new Set<string>();
    for (const r of receiver.requests.filter((q) => q.path === '/all')) {
      const p = JSON.parse(r.body) as Payload;
      for (let v = 1; v < p.incident.version; v++) expect(taken).toContain(`${p.incident.id}@${v}`);
      if (r.answered === 200) taken.add(`${p.incident.id}@${p.incident.version}`);
    }

    // What a change says: the event, the last timeline entry, never the caller's contact.
    const dispatch = accepted.find((p) => p.incident.id === ids[0] && p.incident.version === 3)!;
    expect(dispatch).toMatchObject({
      event: 'incident.updated',
      change: {
        action: 'dispatch',
        actor: { name: '值班员 李明', role: 'duty' },
        from: 'accepted',
        to: 'dispatched',
        comment: '请调解',
      },
      incident: { state: 'dispatched', assignments: [{ departmentId: mediation!.id }] },
    });
    expect(Object.keys(dispatch.change!.actor).sort()).toEqual(['name', 'role']);
    const first = accepted.find((p) => p.incident.id === ids[0] && p.incident.version === 1)!;
    expect(first).toMatchObject({ event: 'incident.created', change: { action: 'created' } });
    const walkInPayloads = receiver.requests.filter((r) => r.body.includes(walkIn.body.incidentId));
    expect(walkInPayloads.length).toBeGreaterThan(0);
    for (const r of walkInPayloads) {
      expect(r.body).not.toContain('13812345678');
      expect(r.body).not.toContain('contact');
    }

    // The log: each delivered, with its attempts; the retried ones more than one.
    const log = (await admin(`/${webhookId}/deliveries?limit=100`)).body;
    expect(log.total).toBe(expected.size);
    expect(log.deliveries.every((d: { status: string }) => d.status === 'delivered')).toBe(true);
    const seqs = log.deliveries.map((d: { seq: number }) => d.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a)); // newest first
    const heads = log.deliveries.filter((d: { attempts: number }) => d.attempts > 2);
    expect(heads.length).toBeGreaterThan(0);
    for (const d of log.deliveries) {
      expect(d.deliveredAt).toBeTruthy();
      expect(d.lastStatusCode).toBe(200);
      expect(d.nextAttemptAt).toBeNull();
    }
    const page = (await admin(`/${webhookId}/deliveries?limit=2&offset=1`)).body;
    expect(page.deliveries.map((d: { id: string }) => d.id)).toEqual(
      log.deliveries.slice(1, 3).map((d: { id: string }) => d.id),
    );

    // Counted for /metrics.
    const metrics = await fetch(`${server.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/citybrain_webhook_deliveries_total\{outcome="delivered"\} 8/);
    expect(metrics).toMatch(/citybrain_webhook_deliveries_total\{outcome="retried"\} [1-9]/);

    await admin(`/${webhookId}`, { method: 'DELETE' });
  });

  it('gives each subscription only its matters: department, area, category, event', async () => {
    const grids = gridsOf();
    const [inStreet, elsewhere] = [
      grids[5]!,
      grids.find((g) => streetOf(g.properties.id) !== streetOf(grids[5]!.properties.id))!,
    ];
    const street = streetOf(inStreet.properties.id);
    const subscribe = async (path: string, filter: unknown) => {
      const res = await admin('', { body: { name: path, url: receiver.url(path), filter } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.webhook.id as string;
    };
    const subs = [
      await subscribe('/dept', { departmentIds: ['dept-city-management'] }),
      await subscribe('/street', { regionIds: [street] }),
      await subscribe('/hazard', { categories: ['safety-hazard'] }),
      await subscribe('/created', { events: ['incident.created'] }),
      await subscribe('/closed', { events: ['incident.close'], categories: ['dispute'] }),
    ];
    const at = (g: typeof inStreet) => {
      const [lng, lat] = g.properties.center;
      return { lng, lat };
    };
    const post = async (over: Parameters<typeof report>[0]) =>
      (await postReport(server.url, report(over))).body.incidentId as string;
    const a = await post({ category: 'safety-hazard', location: at(inStreet) });
    const b = await post({ category: 'dispute', location: at(elsewhere) });
    const c = await post({ category: 'city-management', location: at(elsewhere) });
    // c goes to the city-management department, which takes it on; b to another, and is closed.
    expect((await act(c, { action: 'accept', version: 1 })).status).toBe(200);
    expect(
      (await act(c, { action: 'dispatch', departmentId: 'dept-city-management', version: 2 }))
        .status,
    ).toBe(200);
    const respond = await act(
      c,
      { action: 'respond', departmentId: 'dept-city-management', version: 3 },
      tokens.dept,
    );
    expect(respond.status, JSON.stringify(respond.body)).toBe(200);
    const police = 'dept-public-security';
    const steps = [
      { action: 'accept' },
      { action: 'dispatch', departmentId: police },
      { action: 'respond', departmentId: police },
      { action: 'report', departmentId: police, comment: '已处理' },
      { action: 'close', comment: '已办结' },
    ];
    let closed = { status: 0, body: undefined as any };
    for (const [i, step] of steps.entries()) {
      closed = await act(b, { ...step, version: i + 1 });
      expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    }

    const versions = async (id: string) => {
      const v = await versionOf(server.url, tokens.duty!, id);
      return Array.from({ length: v }, (_, i) => `${id}@${i + 1}`);
    };
    const want: Record<string, string[]> = {
      '/dept': [`${c}@3`, `${c}@4`],
      '/street': await versions(a),
      '/hazard': await versions(a),
      '/created': [`${a}@1`, `${b}@1`, `${c}@1`],
      '/closed': [`${b}@${closed.body.incident.version}`],
    };
    // Whatever else the street holds, only a was made in it by this test.
    expect(streetOf(inStreet.properties.id)).not.toBe(streetOf(elsewhere.properties.id));
    const got = (path: string) =>
      receiver
        .accepted(path)
        .map((p) => `${p.incident.id}@${p.incident.version}`)
        .sort();
    await waitFor(
      () => Object.entries(want).every(([path, list]) => got(path).length >= list.length),
      20_000,
      'the filtered deliveries',
    );
    // b's closing was the last change: once it is in /closed's log, every change before it has
    // been matched for every subscription (one transaction per batch, in log order).
    for (const [i, path] of Object.keys(want).entries()) {
      const { body } = await admin(`/${subs[i]}/deliveries`);
      expect(body.total, path).toBe(want[path]!.length);
    }
    for (const [path, list] of Object.entries(want)) expect(got(path), path).toEqual(list.sort());
    expect(receiver.accepted('/closed')[0]).toMatchObject({
      event: 'incident.updated',
      change: { action: 'close', to: 'closed' },
    });
    for (const id of subs) expect((await admin(`/${id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('refuses bad subscriptions with a 400 naming the field', async () => {
    const bad = async (body: unknown, method = 'POST', path = '') => {
      const res = await admin(path, { method, body });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      return res.body.error;
    };
    for (const url of ['ftp://example.org/hook', 'not a url', 'https://user:pw@example.org/']) {
      const error = await bad({ name: 'x', url });
      expect(error.code).toBe('webhook_url_invalid');
      expect(error.fields[0].path).toBe('url');
    }
    expect((await bad({ url: 'https://example.org/' })).fields[0].path).toBe('name');
    const filter = await bad({ name: 'x', url: 'https://example.org/', filter: { regions: [] } });
    expect(filter.code).toBe('invalid_fields');
    expect(filter.fields[0].path).toBe('filter');
    expect(
      (await bad({ name: 'x', url: 'https://example.org/', filter: { categories: ['fire'] } }))
        .fields[0].path,
    ).toBe('filter.categories.0');
    expect(
      (await bad({ name: 'x', url: 'https://example.org/', active: 'yes' })).fields[0].path,
    ).toBe('active');

    const url = receiver.url('/never?key=abc');
    const ok = await admin('', { body: { name: 'x', url, active: false } });
    expect(ok.status).toBe(201);
    const id = ok.body.webhook.id;
    expect((await bad({ url: 'javascript:alert(1)' }, 'PATCH', `/${id}`)).code).toBe(
      'webhook_url_invalid',
    );
    const patched = await admin(`/${id}`, { method: 'PATCH', body: { name: 'y' } });
    expect(patched.body.webhook).toMatchObject({ name: 'y', active: false, url });
    expect(patched.body.webhook.secret).toBeUndefined();
    expect((await admin('/wh_nope')).body.error.code).toBe('webhook_not_found');
    expect(
      (await admin(`/${id}/deliveries/nope/redeliver`, { method: 'POST' })).body.error.code,
    ).toBe('webhook_delivery_not_found');
    expect((await admin(`/${id}/deliveries?status=lost`)).status).toBe(400);
    expect((await admin(`/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await admin(`/${id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('is for the admin role only', async () => {
    for (const user of ['duty', 'leader', 'operator', 'dept']) {
      for (const [method, body] of [
        ['GET', undefined],
        ['POST', { name: 'x', url: 'https://example.org/' }],
      ] as const) {
        const res = await api(server.url, '/api/v1/admin/webhooks', {
          token: tokens[user],
          method,
          body,
        });
        expect(res.status, `${user} ${method}`).toBe(403);
        expect(res.body.error.code).toBe('role_forbidden');
      }
    }
    expect((await api(server.url, '/api/v1/admin/webhooks')).status).toBe(401);
  });

  it('signs with a rotated secret from then on, and a new subscription gets no past changes', async () => {
    await postReport(server.url, report()); // before the subscription: not its business
    const created = await admin('', { body: { name: 'rot', url: receiver.url('/rotate') } });
    const { id, secret: old } = created.body.webhook;
    const rotated = await admin(`/${id}/rotate-secret`, { method: 'POST' });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(old);
    const incident = (await postReport(server.url, report())).body.incidentId;
    await waitFor(() => receiver.accepted('/rotate').length >= 1, 10_000, 'a delivery');
    const [r] = receiver.requests.filter((q) => q.path === '/rotate');
    const timestamp = r!.headers['x-citybrain-timestamp'] as string;
    expect(r!.headers['x-citybrain-signature']).toBe(
      expectedSignature(rotated.body.secret, timestamp, r!.body),
    );
    expect(receiver.accepted('/rotate').map((p) => p.incident.id)).toEqual([incident]);
    await admin(`/${id}`, { method: 'DELETE' });
    // Where the centre's data goes is on the audit trail, and never its secret.
    const trail = await api(server.url, '/api/v1/audit?action=webhook.changed&limit=500', {
      token: tokens.admin,
    });
    const ops = (trail.body.entries as { target: string; detail: { op: string } }[])
      .filter((e) => e.target === id)
      .map((e) => e.detail.op);
    expect(ops.sort()).toEqual(['create', 'delete', 'rotate-secret']);
    expect(JSON.stringify(trail.body)).not.toContain(rotated.body.secret);
  });
});

describe('webhooks that keep failing, redirect, or outlive a restart', () => {
  const receiver = new Receiver();
  const dataDir = mkdtempSync(join(tmpdir(), 'citybrain-webhooks-'));
  let server: TestServer | undefined;
  let admin: string;
  const start = async (schedule: number[]) => {
    server = await startTestServer({ dataDir, env: { CONFIG_FILE: configFile(schedule) } });
    admin = await login(server.url, 'admin');
  };
  const call = (path: string, options: { method?: string; body?: unknown } = {}) =>
    api(server!.url, `/api/v1/admin/webhooks${path}`, { token: admin, ...options });

  beforeAll(async () => {
    await receiver.start();
    await start([50, 50]);
  });
  afterAll(async () => {
    await server?.stop();
    await receiver.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('marks a delivery failed past its schedule, never follows a redirect, and redelivers on request', async () => {
    receiver.behaviour.set('/gone', 'fail');
    receiver.behaviour.set('/moved', 'redirect');
    const gone = (await call('', { body: { name: 'gone', url: receiver.url('/gone') } })).body
      .webhook;
    const moved = (await call('', { body: { name: 'moved', url: receiver.url('/moved') } })).body
      .webhook;
    const incident = (await postReport(server!.url, report())).body.incidentId;
    const failedOf = async (id: string) =>
      (await call(`/${id}/deliveries?status=failed`)).body.deliveries;
    await eventually(
      async () => (await failedOf(gone.id)).length === 1 && (await failedOf(moved.id)).length === 1,
      10_000,
      'both failed for good',
    );
    const [failed] = await failedOf(gone.id);
    expect(failed).toMatchObject({ incidentId: incident, attempts: 3, lastStatusCode: 500 });
    expect(failed.nextAttemptAt).toBeNull();
    const [redirected] = await failedOf(moved.id);
    expect(redirected).toMatchObject({ attempts: 3, lastStatusCode: 302 });
    expect(redirected.lastError).toMatch(/redirect/);
    expect(receiver.requests.filter((r) => r.path === '/moved-moved')).toHaveLength(0);
    expect(receiver.requests.filter((r) => r.path === '/gone')).toHaveLength(3);

    receiver.behaviour.set('/gone', 'ok');
    const again = await call(`/${gone.id}/deliveries/${failed.id}/redeliver`, { method: 'POST' });
    expect(again.status).toBe(200);
    expect(again.body.delivery).toMatchObject({ id: failed.id, status: 'pending' });
    await waitFor(() => receiver.accepted('/gone').length === 1, 10_000, 'the redelivery');
    expect(receiver.accepted('/gone')[0]!.id).toBe(failed.id);
    const [done] = (await call(`/${gone.id}/deliveries`)).body.deliveries;
    expect(done).toMatchObject({ id: failed.id, status: 'delivered', lastStatusCode: 200 });
    for (const w of [gone, moved]) await call(`/${w.id}`, { method: 'DELETE' });
  });

  it('delivers what was pending when the server stopped, after it starts again', async () => {
    await server!.stop();
    await start(PATIENT);
    const sub = (await call('', { body: { name: 'restart', url: receiver.url('/restart') } })).body
      .webhook;
    await receiver.stop(); // refused from here on
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await postReport(server!.url, report())).body.incidentId);
    await eventually(
      async () => {
        const { body } = await call(`/${sub.id}/deliveries?status=pending`);
        return (
          body.total === 3 && body.deliveries.some((d: { attempts: number }) => d.attempts > 0)
        );
      },
      10_000,
      'pending deliveries',
    );
    const pending = (await call(`/${sub.id}/deliveries`)).body.deliveries.map(
      (d: { id: string }) => d.id,
    );
    await server!.stop();
    server = undefined;
    receiver.behaviour.set('/restart', 'ok');
    await receiver.start();
    await start(PATIENT);
    await waitFor(() => receiver.accepted('/restart').length >= 3, 15_000, 'deliveries resumed');
    const got = receiver.accepted('/restart');
    expect(got.map((p) => p.id).sort()).toEqual([...pending].sort());
    expect(got.map((p) => p.incident.id).sort()).toEqual([...ids].sort());
    const log = (await call(`/${sub.id}/deliveries`)).body;
    expect(log.deliveries.every((d: { status: string }) => d.status === 'delivered')).toBe(true);

    // A crash after changes were committed but before they were matched: the cursor is behind
    // and no delivery exists. The next start reads them from the event log.
    const seqs = log.deliveries.map((d: { seq: number }) => d.seq);
    await server!.stop();
    server = undefined;
    const db = new Database(join(dataDir, 'city-brain.sqlite'));
    db.prepare('DELETE FROM webhook_deliveries WHERE subscription_id = ?').run(sub.id);
    db.prepare('UPDATE webhook_cursor SET seq = ?').run(Math.min(...seqs) - 1);
    db.close();
    await start(PATIENT);
    await waitFor(() => receiver.accepted('/restart').length >= 6, 15_000, 'the rematched changes');
    const rematched = receiver.accepted('/restart').slice(3);
    expect(rematched.map((p) => p.incident.id).sort()).toEqual([...ids].sort());
    expect(rematched.map((p) => p.seq).sort()).toEqual([...seqs].sort());
  });
});
