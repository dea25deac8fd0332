import { describe, expect, it } from 'vitest';
import type { FieldReport } from '../../../shared/api/intake.js';
import { ApiError } from '../api/http.js';
import {
  backoffMs,
  isRetryable,
  MemoryStorage,
  Outbox,
  RETRY_MAX_MS,
  revivedError,
  type DraftReport,
  type OutboxSender,
} from './outbox.js';

function draft(n = 1): DraftReport {
  return {
    externalId: `phone-report-${n}`,
    category: 'dispute',
    title: `纠纷${n}`,
    description: '',
    location: { lng: 120.1, lat: 30.2, accuracy: 8 },
    time: '2025-01-01T08:00:00.000Z',
  };
}

const refused = (status: number, code = 'invalid_fields') =>
  new ApiError(status, { code, message: code });

/**
 * A server that records what it was sent; `fail` decides each call's fate. Photos are named by
 * their text, as the real server names them by their hash.
 */
function fakeServer(fail: (what: 'upload' | 'send', n: number) => unknown = () => undefined) {
  const uploads: string[] = [];
  const reports: FieldReport[] = [];
  const incidents = new Map<string, string>();
  let calls = 0;
  const sender: OutboxSender = {
    async upload(photo) {
      const err = fail('upload', ++calls);
      if (err) throw err;
      const text = await photo.text();
      uploads.push(text);
      return text.padEnd(64, '0');
    },
    async send(report) {
      const err = fail('send', ++calls);
      if (err) throw err;
      reports.push(report);
      const known = incidents.get(report.externalId);
      if (known) return { result: 'duplicate', reportId: 'r', incidentId: known };
      const id = `inc-${incidents.size + 1}`;
      incidents.set(report.externalId, id);
      return { result: 'created', reportId: 'r', incidentId: id };
    },
  };
  return { sender, uploads, reports, incidents };
}

function setup(server = fakeServer(), storage = new MemoryStorage()) {
  let now = 1_000_000;
  const timers: { at: number; run: () => void; off: boolean }[] = [];
  const delivered: string[] = [];
  const outbox = new Outbox({
    storage,
    sender: server.sender,
    now: () => now,
    random: () => 0.5,
    schedule: (run, ms) => {
      const t = { at: now + ms, run, off: false };
      timers.push(t);
      return () => (t.off = true);
    },
    onDelivered: (item, outcome) => delivered.push(`${item.key}:${outcome.result}`),
  });
  const pending = () => timers.filter((t) => !t.off);
  return {
    outbox,
    server,
    storage,
    delivered,
    pending,
    /** Moves the clock on to the next armed timer and runs it. */
    async tick() {
      const t = pending().sort((a, b) => a.at - b.at)[0];
      if (!t) throw new Error('no timer armed');
      now = Math.max(now, t.at);
      t.off = true;
      t.run();
      await outbox.flush();
    },
    advance(ms: number) {
      now += ms;
    },
  };
}

const photo = (text: string) => new Blob([text], { type: 'image/jpeg' });

describe('the phone outbox', () => {
  it('uploads the photos, then sends the report with their ids, and empties', async () => {
    const { outbox, server, delivered, storage } = setup();
    await outbox.add(draft(), [photo('a'), photo('b')], {
      comment: '已劝离',
      photos: [photo('c')],
    });
    await outbox.flush();
    expect(server.uploads).toEqual(['a', 'b', 'c']);
    expect(server.reports).toHaveLength(1);
    expect(server.reports[0]!.photos).toEqual(['a'.padEnd(64, '0'), 'b'.padEnd(64, '0')]);
    expect(server.reports[0]!.selfHandled).toEqual({
      comment: '已劝离',
      photos: ['c'.padEnd(64, '0')],
    });
    expect(delivered).toEqual(['phone-report-1:created']);
    expect(outbox.list).toHaveLength(0);
    expect(storage.map.size).toBe(0);
  });

  it('keeps a report written offline and sends it once the network is back', async () => {
    let offline = true;
    const server = fakeServer(() => (offline ? new TypeError('Failed to fetch') : undefined));
    const { outbox, delivered } = setup(server);
    await outbox.add(draft(), [photo('a')]);
    await outbox.flush();
    expect(outbox.list[0]).toMatchObject({ state: 'waiting', attempts: 1 });
    expect(outbox.list[0]!.lastError).toMatchObject({ status: 0, code: 'network' });
    offline = false;
    // The `online` event: sent at once, not after the backoff.
    await outbox.flush(true);
    expect(delivered).toEqual(['phone-report-1:created']);
    expect(server.reports).toHaveLength(1);
  });

  it('sends the same externalId on every retry, so a lost answer makes no second incident', async () => {
    let lostAnswers = 1;
    const server = fakeServer();
    const send = server.sender.send;
    server.sender.send = async (r) => {
      const outcome = await send(r);
      // The server took it, but the answer never reached the phone.
      if (lostAnswers-- > 0) throw new TypeError('network connection was lost');
      return outcome;
    };
    const { outbox, delivered, tick } = setup(server);
    await outbox.add(draft(), []);
    await outbox.flush();
    expect(outbox.list).toHaveLength(1);
    await tick();
    expect(server.reports.map((r) => r.externalId)).toEqual(['phone-report-1', 'phone-report-1']);
    expect(server.incidents.size).toBe(1);
    expect(delivered).toEqual(['phone-report-1:duplicate']);
  });

  it('retries 5xx with a doubling backoff and does not upload a photo twice', async () => {
    const server = fakeServer((what, n) => (what === 'send' && n < 4 ? refused(503) : undefined));
    const { outbox, pending, tick } = setup(server);
    await outbox.add(draft(), [photo('a')]);
    await outbox.flush();
    const waits: number[] = [];
    const first = outbox.list[0]!;
    expect(first.state).toBe('waiting');
    waits.push(first.nextAt);
    expect(pending()).toHaveLength(1);
    await tick();
    waits.push(outbox.list[0]!.nextAt);
    await tick();
    expect(outbox.list).toHaveLength(0);
    expect(server.uploads).toEqual(['a']);
    expect(server.reports).toHaveLength(1);
    expect(waits[1]! - waits[0]!).toBeGreaterThan(5_000);
  });

  it('keeps a report the server refuses for good as failed, until the worker deletes it', async () => {
    const server = fakeServer((what) => (what === 'send' ? refused(400) : undefined));
    const { outbox, pending, storage } = setup(server);
    await outbox.add(draft(), []);
    await outbox.flush();
    expect(outbox.list[0]).toMatchObject({ state: 'failed', lastError: { status: 400 } });
    // Nothing is armed for it: it will not succeed by itself.
    expect(pending()).toHaveLength(0);
    await outbox.flush(true);
    expect(outbox.list[0]!.attempts).toBe(1);
    await outbox.remove('phone-report-1');
    expect(outbox.list).toHaveLength(0);
    expect(storage.map.size).toBe(0);
  });

  it('tells retryable failures from refusals', () => {
    expect(isRetryable(new TypeError('Failed to fetch'))).toBe(true);
    for (const s of [401, 408, 429, 500, 502, 503]) expect(isRetryable(refused(s))).toBe(true);
    for (const s of [400, 403, 404, 409, 413, 415]) expect(isRetryable(refused(s))).toBe(false);
  });

  it('waits longer after each failure, up to five minutes', () => {
    const fixed = () => 0.5;
    expect(backoffMs(1, fixed)).toBe(5_000);
    expect(backoffMs(2, fixed)).toBe(10_000);
    expect(backoffMs(3, fixed)).toBe(20_000);
    expect(backoffMs(30, fixed)).toBe(RETRY_MAX_MS);
    expect(backoffMs(1, () => 0)).toBe(4_000);
    expect(backoffMs(1, () => 1)).toBe(6_000);
  });

  it('sends again what was cut off mid-send when the app closed, with the same key', async () => {
    const storage = new MemoryStorage();
    const first = setup(fakeServer(), storage);
    const item = await first.outbox.add(draft(), []);
    await storage.put({ ...item, state: 'sending', attempts: 1 });
    const restarted = setup(fakeServer(), storage);
    await restarted.outbox.load();
    expect(restarted.outbox.list[0]!.state).toBe('waiting');
    await restarted.outbox.flush(true);
    expect(restarted.server.reports.map((r) => r.externalId)).toEqual(['phone-report-1']);
  });

  it('runs one flush at a time, and a report added meanwhile goes in the same run', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const server = fakeServer();
    const send = server.sender.send;
    server.sender.send = async (r) => {
      await gate;
      return send(r);
    };
    const { outbox } = setup(server);
    await outbox.add(draft(1), []);
    const running = outbox.flush();
    await new Promise((r) => setTimeout(r, 0));
    await outbox.add(draft(2), []);
    const second = outbox.flush();
    release();
    await Promise.all([running, second]);
    expect(server.reports.map((r) => r.externalId)).toEqual(['phone-report-1', 'phone-report-2']);
    expect(outbox.list).toHaveLength(0);
  });

  it('stops at the first network failure instead of trying every report', async () => {
    const server = fakeServer(() => new TypeError('Failed to fetch'));
    const { outbox } = setup(server);
    await outbox.add(draft(1), []);
    await outbox.add(draft(2), []);
    await outbox.flush();
    expect(outbox.list.map((i) => i.attempts)).toEqual([1, 0]);
  });

  it('revives a stored refusal for the error texts', () => {
    expect(revivedError({ status: 0, code: 'network', message: 'x' })).not.toBeInstanceOf(ApiError);
    const e = revivedError({ status: 400, code: 'invalid_fields', message: 'x' });
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe('invalid_fields');
  });
});
