import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../shared/domain/audit.js';
import { AuditLog } from '../../server/audit/audit-log.js';
import { openSqliteStore } from '../../server/store/sqlite-store.js';
import type { Store } from '../../server/store/store.js';
import {
  api,
  login,
  postReport,
  report,
  startTestServer,
  waitFor,
  type TestServer,
} from '../support/server.js';

const quiet = { log() {}, error() {} };
const DAY = 86_400_000;

describe('the audit log over a real SQLite store', () => {
  const dirs: string[] = [];
  const stores: Store[] = [];
  function freshStore(dir = mkdtempSync(join(tmpdir(), 'citybrain-audit-'))): Store {
    if (!dirs.includes(dir)) dirs.push(dir);
    const store = openSqliteStore(dir);
    stores.push(store);
    return store;
  }
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close().catch(() => undefined);
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const all = { limit: 500, offset: 0 };

  it('writes entries a moment after they are recorded, without anyone reading', async () => {
    const store = freshStore();
    const audit = new AuditLog(store, { retentionDays: 180, flushMs: 20, log: quiet });
    audit.record({ action: 'login', actor: 'duty', actorRole: 'duty', address: '10.0.0.7' });
    // Not written yet: recording only queues.
    expect((await store.queryAudit(all)).total).toBe(0);
    let rows: AuditRecord[] = [];
    await waitFor(
      () => {
        void store.queryAudit(all).then((r) => (rows = r.entries));
        return rows.length === 1;
      },
      5_000,
      'the timer to write the entry',
    );
    expect(rows[0]).toMatchObject({
      action: 'login',
      actor: 'duty',
      actorRole: 'duty',
      address: '10.0.0.7',
      outcome: 'ok',
    });
    expect(rows[0]).not.toHaveProperty('cameraId');
    await audit.close();
  });

  it('writes a full batch at once, and keeps each entry as it was when recorded', async () => {
    const store = freshStore();
    const audit = new AuditLog(store, {
      retentionDays: 180,
      flushMs: 3_600_000,
      batchSize: 3,
      log: quiet,
    });
    const detail = { screen: 'video', nested: { n: 1 } };
    audit.record({ action: 'stream.issued', actor: 'duty', cameraId: 'cam-0001', detail });
    detail.screen = 'changed afterwards';
    audit.record({ action: 'stream.issued', actor: 'duty', cameraId: 'cam-0002' });
    audit.record({ action: 'stream.issued', actor: 'duty', cameraId: 'cam-0003' });
    await audit.flush();
    const { total, entries } = await store.queryAudit(all);
    expect(total).toBe(3);
    expect(entries.find((e) => e.cameraId === 'cam-0001')!.detail).toEqual({
      screen: 'video',
      nested: { n: 1 },
    });
    await audit.close();
  });

  it('filters by user, camera, action and time, newest first, a page at a time', async () => {
    const store = freshStore();
    let now = Date.parse('2025-03-01T00:00:00Z');
    const audit = new AuditLog(store, {
      retentionDays: 180,
      clock: () => new Date(now),
      log: quiet,
    });
    const users = ['duty', 'operator', 'leader'];
    for (let i = 0; i < 30; i++) {
      now += 60_000;
      audit.record({
        action: i % 3 === 0 ? 'stream.issued' : i % 3 === 1 ? 'wall.push' : 'incident.act',
        actor: users[i % 3],
        ...(i % 3 === 0 ? { cameraId: `cam-${i % 2}` } : {}),
        ...(i % 3 === 2 ? { incidentId: `INC-${i}`, outcome: 'refused' as const } : {}),
        detail: { i },
      });
    }
    const q = (over: Partial<Parameters<AuditLog['query']>[0]>) => audit.query({ ...all, ...over });

    const everything = await q({});
    expect(everything.total).toBe(30);
    expect(everything.entries.map((e) => e.detail!.i)).toEqual(
      Array.from({ length: 30 }, (_, k) => 29 - k),
    );

    const duty = await q({ actor: 'duty' });
    expect(duty.total).toBe(10);
    expect(duty.entries.every((e) => e.actor === 'duty' && e.action === 'stream.issued')).toBe(
      true,
    );

    const cam = await q({ cameraId: 'cam-0' });
    expect(cam.entries.map((e) => e.detail!.i)).toEqual([24, 18, 12, 6, 0]);

    const acts = await q({ actions: ['incident.act', 'wall.push'] });
    expect(acts.total).toBe(20);
    expect(acts.entries.filter((e) => e.action === 'incident.act')).toHaveLength(10);
    expect(acts.entries.find((e) => e.action === 'incident.act')).toMatchObject({
      outcome: 'refused',
      incidentId: 'INC-29',
    });

    // Entries 10..19 were recorded at minutes 11..20: from inclusive, to exclusive.
    const start = Date.parse('2025-03-01T00:00:00Z');
    const window = await q({
      from: new Date(start + 11 * 60_000).toISOString(),
      to: new Date(start + 21 * 60_000).toISOString(),
    });
    expect(window.entries.map((e) => e.detail!.i)).toEqual([
      19, 18, 17, 16, 15, 14, 13, 12, 11, 10,
    ]);

    const page1 = await q({ limit: 7, offset: 0 });
    const page2 = await q({ limit: 7, offset: 7 });
    expect(page1.total).toBe(30);
    expect(page1.entries.map((e) => e.detail!.i)).toEqual([29, 28, 27, 26, 25, 24, 23]);
    expect(page2.entries.map((e) => e.detail!.i)).toEqual([22, 21, 20, 19, 18, 17, 16]);

    const both = await q({ actor: 'duty', cameraId: 'cam-1', from: new Date(start).toISOString() });
    expect(both.entries.map((e) => e.detail!.i)).toEqual([27, 21, 15, 9, 3]);
    await audit.close();
  });

  it('prunes entries past the retention at start and leaves the rest', async () => {
    const store = freshStore();
    let now = Date.parse('2025-01-01T00:00:00Z');
    const clock = () => new Date(now);
    const writer = new AuditLog(store, { retentionDays: 30, clock, log: quiet });
    writer.record({ action: 'login', actor: 'old' });
    now += 20 * DAY;
    writer.record({ action: 'login', actor: 'recent' });
    await writer.close();

    now += 15 * DAY; // the first is 35 days old now, the second 15
    const pruner = new AuditLog(store, { retentionDays: 30, clock, log: quiet });
    await pruner.start();
    const { entries } = await pruner.query(all);
    expect(entries.map((e) => e.actor)).toEqual(['recent']);
    expect(await pruner.prune()).toBe(0);
    await pruner.close();
  });

  it('writes what is still queued on close, so a restart finds it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'citybrain-audit-'));
    const store = freshStore(dir);
    const audit = new AuditLog(store, { retentionDays: 180, flushMs: 3_600_000, log: quiet });
    audit.record({ action: 'logout', actor: 'duty' });
    await audit.close();
    // Nothing after close reaches a store that is about to close.
    audit.record({ action: 'logout', actor: 'late' });
    await store.close();

    const reopened = freshStore(dir);
    const { entries } = await reopened.queryAudit(all);
    expect(entries.map((e) => e.actor)).toEqual(['duty']);
  });

  it('keeps entries whose write failed and writes them with the next', async () => {
    const store = freshStore();
    let fail = true;
    const errors: unknown[] = [];
    const flaky = {
      appendAudit: (entries: Parameters<Store['appendAudit']>[0]) =>
        fail ? Promise.reject(new Error('disk full')) : store.appendAudit(entries),
      queryAudit: store.queryAudit,
      pruneAudit: store.pruneAudit,
    };
    const audit = new AuditLog(flaky, {
      retentionDays: 180,
      flushMs: 3_600_000,
      log: { log() {}, error: (...args: unknown[]) => errors.push(args) },
    });
    audit.record({ action: 'login', actor: 'first' });
    await audit.flush();
    expect(errors).toHaveLength(1);
    audit.record({ action: 'login', actor: 'second' });
    fail = false;
    await audit.flush();
    const { entries } = await store.queryAudit(all);
    expect(entries.map((e) => e.actor)).toEqual(['second', 'first']);
    await audit.close();
  });

  it('never lets recording throw, whatever the detail holds', async () => {
    const store = freshStore();
    const audit = new AuditLog(store, { retentionDays: 180, log: quiet });
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    expect(() =>
      audit.record({ action: 'wall.push', actor: 'duty', detail: circular }),
    ).not.toThrow();
    audit.record({ action: 'wall.push', actor: 'operator' });
    const { entries } = await audit.query(all);
    expect(entries.map((e) => e.actor)).toEqual(['operator', 'duty']);
    expect(entries[1]!.detail).toEqual({ unrecordable: 'a,self' });
    await audit.close();
  });
});

describe('GET /api/v1/audit on a real server', () => {
  let server: TestServer;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    server = await startTestServer();
    for (const user of ['duty', 'operator', 'leader', 'admin'])
      tokens[user] = await login(server.url, user);
  });
  afterAll(() => server?.stop());

  const audit = (query: string, token = tokens.admin) =>
    api(server.url, `/api/v1/audit${query}`, { token });

  it('answers the admin only', async () => {
    expect((await audit('')).status).toBe(200);
    for (const user of ['duty', 'operator', 'leader']) {
      expect((await audit('', tokens[user])).status, user).toBe(403);
    }
    expect((await api(server.url, '/api/v1/audit')).status).toBe(401);
    // Another role's try at the trail is on it.
    const tries = await audit('?action=audit.read&user=duty');
    expect(tries.body.entries).toEqual([
      expect.objectContaining({ actor: 'duty', actorRole: 'duty', outcome: 'refused' }),
    ]);
  });

  it('refuses bad filters with 400, naming each', async () => {
    const cases: [string, string[]][] = [
      ['?limit=501', ['limit']],
      ['?limit=0&offset=-1', ['limit', 'offset']],
      ['?action=login,fly', ['action']],
      ['?from=yesterday', ['from']],
      ['?from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z', ['to']],
      ['?camera=cam/../x', ['camera']],
      ['?users=duty', ['users']],
    ];
    for (const [query, fields] of cases) {
      const res = await audit(query);
      expect(res.status, query).toBe(400);
      const said = JSON.stringify(res.body);
      for (const field of fields) expect(said, query).toContain(field);
    }
  });

  it('records incident actions done and refused', async () => {
    const id = (await postReport(server.url, report({ category: 'citizen-request' }))).body
      .incidentId as string;
    const act = (body: unknown, token = tokens.duty) =>
      api(server.url, `/api/v1/incidents/${id}/actions`, { token, body });
    expect((await act({ action: 'accept', version: 1 })).status).toBe(200);
    expect((await act({ action: 'close', version: 2 })).status).toBe(409);
    expect(
      (await act({ action: 'note', version: 2, comment: '领导批注' }, tokens.leader)).status,
    ).toBe(403);
    expect((await act({ action: 'note', version: 2, comment: '电话已联系' })).status).toBe(200);

    const res = await audit(`?action=incident.act&limit=500`);
    expect(res.status).toBe(200);
    const mine = (res.body.entries as AuditRecord[]).filter((e) => e.incidentId === id).reverse();
    expect(mine.map((e) => [e.actor, e.detail!.action, e.outcome])).toEqual([
      ['duty', 'accept', 'ok'],
      ['duty', 'close', 'refused'],
      ['leader', 'note', 'refused'],
      ['duty', 'note', 'ok'],
    ]);
    expect(mine[1]!.detail!.message).toBe('cannot close an incident that is accepted');
    expect(mine[0]).toMatchObject({ actorRole: 'duty', action: 'incident.act' });
  });

  it('records each read of the trail, with who read it and what they asked for', async () => {
    const first = await audit('?user=operator&action=wall.push');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ limit: 100, offset: 0, utcOffsetMinutes: 480 });
    const reads = await audit('?action=audit.read&user=admin');
    const last = (reads.body.entries as AuditRecord[])[0]!;
    expect(last).toMatchObject({
      action: 'audit.read',
      actor: 'admin',
      actorRole: 'admin',
      outcome: 'ok',
      detail: { filters: { user: 'operator', action: 'wall.push' } },
    });
    expect(last.address).toMatch(/127\.0\.0\.1/);
    expect(Date.parse(last.at)).toBeGreaterThan(Date.now() - 60_000);
  });
});
