import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident, IncidentState, ReplayAnswer } from '../../shared/index.js';
import { api, login, startTestServer, type TestServer } from '../support/server.js';
import { importDemoPast } from '../support/store.js';

// Three days of the demo's past, made by the simulator and imported; what a replay must carry
// is worked out here from each incident's own timeline, not by the store's query.
const END = new Date('2026-11-20T06:00:00.000Z');
/** 10:00 to 12:00 on 19 November, the centre's time (UTC+8): a busy morning, a day before END. */
const FROM = '2026-11-19T02:00:00.000Z';
const TO = '2026-11-19T04:00:00.000Z';
/** Midnight of that day, the centre's time. */
const DAY_START = '2026-11-18T16:00:00.000Z';
const OPEN: IncidentState[] = ['reported', 'accepted', 'dispatched', 'handling', 'verifying'];

let server: TestServer;
let incidents: Incident[];
let duty: string;
const dataDir = mkdtempSync(join(tmpdir(), 'citybrain-replay-'));

beforeAll(async () => {
  incidents = await importDemoPast(dataDir, { end: END, days: 3, seed: 5 });
  const started = Date.now();
  server = await startTestServer({
    dataDir,
    clock: () => new Date(END.getTime() + Date.now() - started),
    env: { SIMULATE: 'false' },
  });
  duty = await login(server.url, 'duty');
}, 120_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Its state at an instant, from its timeline; undefined before it was reported. */
function stateAt(i: Incident, at: string): IncidentState | undefined {
  let state: IncidentState | undefined;
  for (const e of i.timeline) if (e.at <= at) state = e.to;
  return state;
}

/**
 * Whether a replay of [FROM, TO) needs it: on the board at some moment of that day's stretch
 * (open then, or reported or finished on the day).
 */
function needed(i: Incident): boolean {
  if (i.reportedAt >= TO) return false;
  if (i.reportedAt >= DAY_START) return true;
  const atStart = stateAt(i, DAY_START);
  return (
    (atStart !== undefined && OPEN.includes(atStart)) ||
    i.timeline.some(
      (e) => e.at >= DAY_START && e.at < TO && (OPEN.includes(e.to) || e.to === 'closed'),
    )
  );
}

async function replay(query: string, token = duty) {
  return api(server.url, `/api/v1/replay?${query}`, { token });
}

describe('GET /api/v1/replay', { timeout: 60_000 }, () => {
  it('carries every incident on the board during the stretch, each with its whole history', async () => {
    const { status, body } = await replay(`from=${FROM}&to=${TO}`);
    expect(status, JSON.stringify(body).slice(0, 300)).toBe(200);
    const answer = body as ReplayAnswer;
    expect(answer.dayStart).toBe(DAY_START);
    expect(answer.utcOffsetMinutes).toBe(480);
    expect(answer.truncated).toBe(false);
    const want = incidents.filter(needed);
    expect(want.length).toBeGreaterThan(400);
    const got = new Map(answer.incidents.map((i) => [i.id, i]));
    const missing = want.filter((i) => !got.has(i.id)).map((i) => i.id);
    expect(missing).toEqual([]);
    // Nothing else to speak of: a rejection changed later by a note may come along.
    expect(answer.incidents.length).toBeLessThanOrEqual(Math.ceil(want.length * 1.01));
    // Oldest first, each with its timeline as its steps, and nothing private.
    const reported = answer.incidents.map((i) => i.reportedAt);
    expect(reported).toEqual([...reported].sort());
    for (const i of want.slice(0, 200)) {
      const r = got.get(i.id)!;
      expect(r.steps.map((s) => [s.at, s.action, s.to])).toEqual(
        i.timeline.map((e) => [e.at, e.action, e.to]),
      );
      expect(r.location).toEqual(i.location);
      expect(r).not.toHaveProperty('description');
      expect(r).not.toHaveProperty('contact');
    }
  });

  it('keeps a sub-centre to its own area', async () => {
    const street = await login(server.url, 'street');
    const { status, body } = await replay(`from=${FROM}&to=${TO}`, street);
    expect(status).toBe(200);
    const answer = body as ReplayAnswer;
    expect(answer.incidents.length).toBeGreaterThan(0);
    expect(answer.incidents.every((i) => i.streetId === 'd01-s01')).toBe(true);
    const theirs = incidents.filter((i) => needed(i) && i.streetId === 'd01-s01');
    expect(answer.incidents.map((i) => i.id)).toEqual(
      expect.arrayContaining(theirs.map((i) => i.id)),
    );
    const outside = await replay(`from=${FROM}&to=${TO}&area=d02`, street);
    expect(outside.status).toBe(403);
    expect(outside.body.error.code).toBe('outside_your_area');
  });

  it('refuses those who do not replay, and bad stretches, naming what was wrong', async () => {
    const grid = await login(server.url, 'grid');
    expect((await replay(`from=${FROM}&to=${TO}`, grid)).status).toBe(403);
    const backwards = await replay(`from=${TO}&to=${FROM}`);
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.fields[0].path).toBe('to');
    const long = await replay(`from=2026-11-01T00:00:00Z&to=2026-11-09T00:00:00Z`);
    expect(long.status).toBe(400);
    expect(long.body.error.message).toMatch(/7 days/);
    const bad = await replay(`from=yesterday&to=${TO}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].path).toBe('from');
    const area = await replay(`from=${FROM}&to=${TO}&area=nowhere`);
    expect(area.status).toBe(400);
    expect(area.body.error.code).toBe('unknown_region');
  });
});
