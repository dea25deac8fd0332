import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  distanceMetres,
  type Actor,
  type IncidentSummary,
  type LngLat,
  type TimelineEntry,
} from '../../shared/index.js';
import {
  api,
  demoCity,
  INGEST_KEY,
  login,
  startTestServer,
  waitFor,
  type TestServer,
} from '../../tests/support/server.js';
import { submitFieldReport } from '../field/reports.js';
import { systemClock } from '../live/clock.js';
import { ROUND_RADIUS_M, type FieldService } from './grid-workers.js';
import { postPatrolPositions } from './intake.js';
import { startSimulator, type Simulator } from './index.js';

let server: TestServer;
let leader: string;
beforeAll(async () => {
  server = await startTestServer();
  leader = await login(server.url, 'leader');
});
afterAll(() => server?.stop());

async function incidents(): Promise<{ total: number; incidents: IncidentSummary[] }> {
  const { status, body } = await api(server.url, '/api/v1/incidents?limit=500', { token: leader });
  expect(status).toBe(200);
  return body;
}

async function timeline(id: string): Promise<TimelineEntry[]> {
  const { status, body } = await api(server.url, `/api/v1/incidents/${id}`, { token: leader });
  expect(status).toBe(200);
  return body.incident.timeline;
}

/** Polls `find` until it returns something, or fails after `timeoutMs`. */
async function eventually<T>(find: () => Promise<T | undefined>, timeoutMs: number, what: string) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An offset from UTC that makes it noon at the centre now, so grid workers are on duty. */
function noonOffset(): number {
  const now = new Date();
  return 12 * 60 - (now.getUTCHours() * 60 + now.getUTCMinutes());
}

describe('the demo simulator against a real server', () => {
  it('reports through the intake API and the phones, works incidents through the loop, moves patrols and grid workers, and stops', async () => {
    const lines: string[] = [];
    const workerCalls = { moved: 0, off: 0 };
    const field: FieldService = {
      report: (actor, report) => submitFieldReport(server.ingest, actor, report),
      moveWorker: (id, position, at, accuracy) => {
        workerCalls.moved++;
        server.positions.moveWorker(id, position, at, accuracy);
      },
      offDuty: (id) => {
        workerCalls.off++;
        server.positions.offDuty(id);
      },
    };
    const city = demoCity();
    const firstPatrols = server.positions.patrolPositions();
    const sim: Simulator = startSimulator({
      baseUrl: server.url,
      ingestKey: INGEST_KEY,
      workflow: server.workflow,
      field,
      city,
      clock: systemClock,
      timeScale: 600,
      seed: 7,
      utcOffsetMinutes: noonOffset(),
      warmUp: { count: 25, windowMs: 1_500 },
      log: (line) => lines.push(line),
    });
    try {
      // The warm-up burst fills an empty screen within seconds.
      await waitFor(() => sim.stats().created >= 20, 8_000, 'the warm-up burst');
      // Forty grid workers out on their rounds at noon, near their stations.
      await waitFor(() => server.positions.onDuty().length === 40, 5_000, 'grid workers on duty');
      const stations = new Map(city.gridWorkers.map((w) => [w.id, w.position]));
      for (const w of server.positions.onDuty())
        expect(distanceMetres(w.position, stations.get(w.id)!)).toBeLessThanOrEqual(
          ROUND_RADIUS_M + 1,
        );

      // Then incidents move along the loop: accepted, dispatched, handled, closed.
      const moved = new Set<string>();
      const loop = ['accepted', 'dispatched', 'handling', 'verifying', 'closed'];
      // Incidents wait in the queue for a while, as they do for a person: still unaccepted
      // three simulated minutes (0.3 s here) after they came in.
      let waited = false;
      const until = Date.now() + 12_000;
      while (!(loop.every((s) => moved.has(s)) && waited) && Date.now() < until) {
        for (const i of (await incidents()).incidents) {
          moved.add(i.state);
          waited ||= i.state === 'reported' && Date.now() - Date.parse(i.reportedAt) > 300;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(waited).toBe(true);
      expect([...moved].sort()).toEqual(expect.arrayContaining(loop.sort()));

      // Small matters settled on the spot by the grid worker who found them (小事一格处理).
      const settled = await eventually(
        async () => (await incidents()).incidents.find((i) => i.resolution === 'self-handled'),
        10_000,
        'a self-handled incident',
      );
      expect(settled).toMatchObject({ state: 'closed', source: 'grid-worker' });
      const settledSteps = await timeline(settled.id);
      expect(settledSteps.map((e) => e.action)).toEqual(['created', 'self-handle']);
      expect(settledSteps[1]!.actor).toEqual(settledSteps[0]!.actor);
      expect(settledSteps[1]!.comment).toBeTruthy();

      // A grid worker's report is in their own name, and the incident is theirs.
      const mine = (await incidents()).incidents.find(
        (i) => i.source === 'grid-worker' && !i.resolution,
      )!;
      expect(mine).toBeDefined();
      const created = (await timeline(mine.id))[0]!;
      expect(created.action).toBe('created');
      expect(created.actor).toMatchObject({
        id: `gw:${mine.gridWorkerId}`,
        role: 'grid',
        gridWorkerId: mine.gridWorkerId,
        name: city.gridWorkers.find((w) => w.id === mine.gridWorkerId)!.name,
      });

      // The incident's grid worker checks it on the spot (核查) before the desk closes it.
      const checked = await eventually(
        async () => {
          const closed = (await incidents()).incidents.filter(
            (i) => ['closed', 'evaluated'].includes(i.state) && !i.resolution && i.gridWorkerId,
          );
          for (const i of closed.slice(0, 20)) {
            const steps = await timeline(i.id);
            const check = steps.findIndex((e) => e.action === 'check');
            if (check >= 0) return { incident: i, steps, check };
          }
          return undefined;
        },
        10_000,
        'a checked incident',
      );
      const { incident: worked, steps, check } = checked;
      expect(steps[check]!.actor).toMatchObject({
        role: 'grid',
        gridWorkerId: worked.gridWorkerId ?? undefined,
      } satisfies Partial<Actor>);
      expect(steps[check]!.detail).toEqual({ passed: true });
      expect(check).toBeLessThan(steps.findIndex((e) => e.action === 'close'));
      expect(steps.find((e) => e.action === 'accept')?.actor.id).toBe('sim-duty');
      expect(steps.find((e) => e.action === 'respond')?.actor).toMatchObject({
        role: 'department',
      });
      expect(steps.find((e) => e.action === 'respond')?.actor.id).toMatch(/^dept:/);

      // A patrol sent to an incident is on its record (send-patrol).
      await eventually(
        async () => (await incidents()).incidents.find((i) => i.patrolIds?.length),
        10_000,
        'an incident with a patrol sent',
      );

      // Patrol positions came in through the patrol feed, all of them, moving.
      await waitFor(
        () => {
          const now = server.positions.patrolPositions();
          const moving = now.filter(
            (p, i) => p.position.join() !== firstPatrols[i]!.position.join(),
          );
          return moving.length > now.length / 2;
        },
        8_000,
        'patrols moving',
      );
      expect(server.positions.patrolPositions()).toHaveLength(city.patrols.length);
    } finally {
      sim.stop();
    }
    // Off duty with the simulator: off the map at once.
    expect(workerCalls.off).toBe(40);
    expect(server.positions.onDuty()).toEqual([]);
    await new Promise((r) => setTimeout(r, 400));
    const { total, incidents: list } = await incidents();
    expect(total).toBeGreaterThanOrEqual(20);

    // Reports came in through the public API with the ingest key, as an integration.
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/citybrain_intake_reports_total\{result="created"\} [1-9]/);
    const video = list.find((i) => i.category === 'video-alarm');
    if (video) {
      expect(video.source).toBe('video-analytics');
      expect(city.cameras.some((c) => c.id === video.cameraId)).toBe(true);
    }
    const integrated = list.find((i) => i.source === 'hotline')!;
    expect((await timeline(integrated.id))[0]).toMatchObject({
      action: 'created',
      actor: { role: 'integration' },
    });
    expect(lines).toEqual([]);

    // Stopped: nothing more arrives or moves.
    const still = JSON.stringify(server.positions.patrolPositions());
    const moves = workerCalls.moved;
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await incidents()).total).toBe(total);
    expect(JSON.stringify(server.positions.patrolPositions())).toBe(still);
    expect(workerCalls.moved).toBe(moves);
  });

  it('posts patrol positions to the patrol feed with the ingest key, as a tracking system does', async () => {
    const [patrol] = demoCity().patrols;
    const position: LngLat = [patrol!.position[0] + 0.001, patrol!.position[1]];
    const answer = await postPatrolPositions(server.url, INGEST_KEY, [
      { id: patrol!.id, position, heading: 90, status: 'responding' },
      { id: 'no-such-patrol', position, heading: 0, status: 'patrolling' },
    ]);
    expect(answer).toEqual({ ok: true, accepted: 1, unknown: ['no-such-patrol'] });
    expect(server.positions.patrolPositions().find((p) => p.id === patrol!.id)).toEqual({
      id: patrol!.id,
      position,
      heading: 90,
      status: 'responding',
    });
    const refused = await postPatrolPositions(server.url, 'not-the-key', [
      { id: patrol!.id, position, heading: 0, status: 'patrolling' },
    ]);
    expect(refused).toMatchObject({ ok: false, status: 401 });
  });
});
