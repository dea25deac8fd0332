import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentSummary, PatrolPosition } from '../../shared/index.js';
import {
  api,
  demoCity,
  INGEST_KEY,
  login,
  startTestServer,
  waitFor,
  type TestServer,
} from '../../tests/support/server.js';
import { systemClock } from '../live/clock.js';
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

describe('the demo simulator against a real server', () => {
  it('reports through the intake API, works incidents through the loop, moves patrols, and stops', async () => {
    const patrolUpdates: PatrolPosition[][] = [];
    const lines: string[] = [];
    const sim: Simulator = startSimulator({
      baseUrl: server.url,
      ingestKey: INGEST_KEY,
      workflow: server.workflow,
      hub: {
        setPatrols(p) {
          patrolUpdates.push(p);
          server.hub.setPatrols(p);
        },
      },
      city: demoCity(),
      clock: systemClock,
      timeScale: 600,
      seed: 7,
      warmUp: { count: 25, windowMs: 1_500 },
      log: (line) => lines.push(line),
    });
    try {
      // The warm-up burst fills an empty screen within seconds.
      await waitFor(() => sim.stats().created >= 20, 8_000, 'the warm-up burst');
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
    } finally {
      sim.stop();
    }
    await new Promise((r) => setTimeout(r, 400));
    const { total, incidents: list } = await incidents();
    expect(total).toBeGreaterThanOrEqual(20);

    // Reports came in through the public API with the ingest key, as an integration.
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/citybrain_intake_reports_total\{result="created"\} [1-9]/);
    const worked = list.find((i) =>
      ['handling', 'verifying', 'closed', 'evaluated'].includes(i.state),
    )!;
    const { body } = await api(server.url, `/api/v1/incidents/${worked.id}`, { token: leader });
    const timeline = body.incident.timeline as {
      action: string;
      actor: { id: string; role: string };
    }[];
    expect(timeline[0]).toMatchObject({ action: 'created', actor: { role: 'integration' } });
    expect(timeline.find((e) => e.action === 'accept')?.actor.id).toBe('sim-duty');
    expect(timeline.find((e) => e.action === 'respond')?.actor).toMatchObject({
      role: 'department',
    });
    expect(timeline.find((e) => e.action === 'respond')?.actor.id).toMatch(/^dept:/);
    const video = list.find((i) => i.category === 'video-alarm');
    if (video) {
      expect(video.source).toBe('video-analytics');
      expect(demoCity().cameras.some((c) => c.id === video.cameraId)).toBe(true);
    }

    // Patrol positions were pushed to every screen, all of them, moving.
    expect(patrolUpdates.length).toBeGreaterThanOrEqual(3);
    expect(patrolUpdates.at(-1)).toHaveLength(demoCity().patrols.length);
    const first = patrolUpdates[0]!;
    const last = patrolUpdates.at(-1)!;
    expect(
      last.filter((p, i) => p.position.join() !== first[i]!.position.join()).length,
    ).toBeGreaterThan(last.length / 2);
    expect(lines).toEqual([]);

    // Stopped: nothing more arrives or moves.
    const updates = patrolUpdates.length;
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await incidents()).total).toBe(total);
    expect(patrolUpdates.length).toBe(updates);
  });
});
