import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distanceMetres, type Delta, type LngLat, type Warning } from '../../shared/index.js';
import type { AuditRecord } from '../../shared/domain/audit.js';
import { loadDemoCity } from '../../fixtures/index.js';
import {
  api,
  demoCity,
  LiveClient,
  login,
  postReport,
  report,
  startTestServer,
  waitFor,
  type TestServer,
} from '../support/server.js';

/**
 * Early warning (预警) end to end, over a real server, SQLite file and Socket.IO: each rule fires
 * on a made-up pattern and stays quiet on noise; warnings reach the screens of their area at once;
 * acknowledging and resolving are the right roles' and on the audit trail.
 */
const COMMUNITY = 'd01-s01-c07';
const ELSEWHERE_COMMUNITY = 'd01-s02-c01';
const METRES_PER_DEG_LAT = 111_320;

let server: TestServer;
let city: LiveClient;
let duty: string;

const warningsOf = (client: LiveClient): Warning[] =>
  client.received
    .filter((d): d is Extract<Delta, { type: 'warning' }> => d.type === 'warning')
    .map((d) => d.warning);

/** A grid's centre in a community, moved `north` and `east` metres. */
function placeIn(communityId: string, north = 0, east = 0, gridIndex = 0): LngLat {
  const grid = demoCity().regions.features.filter((f) => f.properties.parentId === communityId)[
    gridIndex
  ]!;
  const [lng, lat] = grid.properties.center;
  const perDegLng = METRES_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180);
  return [lng + east / perDegLng, lat + north / METRES_PER_DEG_LAT];
}

async function post(
  at: LngLat,
  over: Parameters<typeof report>[0] = {},
): Promise<{ incidentId: string }> {
  const res = await postReport(
    server.url,
    report({ location: { lng: at[0], lat: at[1] }, ...over }),
  );
  expect(res.status).toBe(201);
  return res.body as { incidentId: string };
}

beforeAll(async () => {
  server = await startTestServer();
  duty = await login(server.url, 'duty');
  city = new LiveClient(server.url, duty);
  await city.ready();
});
afterAll(async () => {
  city?.close();
  await server?.stop();
});

describe('early warning', () => {
  it('raises a red warning the moment a report is flagged as a group risk, for its area only', async () => {
    const community = new LiveClient(server.url, await login(server.url, 'community'));
    await community.ready();
    const { incidentId } = await post(placeIn(COMMUNITY, 0, 0, 1), {
      category: 'public-order',
      title: '二十余名业主聚集物业门口',
      groupRisk: true,
    });
    await waitFor(
      () => warningsOf(city).some((w) => w.incidentIds.includes(incidentId)),
      10_000,
      'the warning on the city screen',
    );
    const warning = warningsOf(city).find((w) => w.incidentIds.includes(incidentId))!;
    expect(warning).toMatchObject({
      rule: 'group-risk',
      level: 'red',
      state: 'open',
      facts: { incidentTitle: '二十余名业主聚集物业门口' },
      area: { communityId: COMMUNITY },
    });
    expect(warning.id).toMatch(/^YJ-\d{8}-\d{4}$/);
    // The community centre's screen has it too; a screen of another street would not.
    await waitFor(
      () => warningsOf(community).some((w) => w.id === warning.id),
      10_000,
      'the warning on the community screen',
    );
    const list = await api(server.url, '/api/v1/warnings', { token: duty });
    expect(list.body.warnings.map((w: Warning) => w.id)).toContain(warning.id);
    const other = await login(server.url, 'street');
    expect(
      (await api(server.url, '/api/v1/warnings', { token: other })).body.warnings.map(
        (w: Warning) => w.id,
      ),
    ).toContain(warning.id);
    community.close();
  });

  it('is acknowledged by the desk and resolved by the officer on duty, each audited, in order', async () => {
    const { incidentId } = await post(placeIn(COMMUNITY, 0, 0, 2), {
      category: 'public-order',
      title: '工地欠薪，工人聚集',
      groupRisk: true,
    });
    await waitFor(() => warningsOf(city).some((w) => w.incidentIds.includes(incidentId)));
    const { id } = warningsOf(city).find((w) => w.incidentIds.includes(incidentId))!;
    const path = `/api/v1/warnings/${id}`;

    const leader = await login(server.url, 'leader');
    expect((await api(server.url, `${path}/acknowledge`, { token: leader, body: {} })).status).toBe(
      403,
    );
    const acked = await api(server.url, `${path}/acknowledge`, {
      token: duty,
      body: { note: '已通知街道' },
    });
    expect(acked.status).toBe(200);
    expect(acked.body.warning).toMatchObject({
      state: 'acknowledged',
      acknowledged: { by: 'duty', note: '已通知街道' },
    });
    const again = await api(server.url, `${path}/acknowledge`, { token: duty, body: {} });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_acknowledged');

    const noNote = await api(server.url, `${path}/resolve`, { token: duty, body: {} });
    expect(noNote.status).toBe(400);
    expect(noNote.body.error.message).toMatch(/note/);
    const resolved = await api(server.url, `${path}/resolve`, {
      token: duty,
      body: { note: '人员已劝散，欠薪已协调' },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body.warning.state).toBe('resolved');
    expect(
      (await api(server.url, `${path}/acknowledge`, { token: duty, body: {} })).body.error.code,
    ).toBe('warning_resolved');
    expect(
      (
        await api(server.url, '/api/v1/warnings/YJ-20000101-9999/resolve', {
          token: duty,
          body: { note: 'x' },
        })
      ).status,
    ).toBe(404);

    // Every screen saw it open, acknowledged, resolved, in that order; then it left the list.
    await waitFor(() => warningsOf(city).some((w) => w.id === id && w.state === 'resolved'));
    expect(
      warningsOf(city)
        .filter((w) => w.id === id)
        .map((w) => w.state),
    ).toEqual(['open', 'acknowledged', 'resolved']);
    const active = await api(server.url, '/api/v1/warnings', { token: duty });
    expect(active.body.warnings.map((w: Warning) => w.id)).not.toContain(id);
    const past = await api(server.url, '/api/v1/warnings?state=resolved', { token: duty });
    expect(past.body.warnings.map((w: Warning) => w.id)).toContain(id);

    // Refusals on the audit trail are the service's (a leader's 403 comes from the role check).
    const admin = await login(server.url, 'admin');
    let entries: AuditRecord[] = [];
    const until = Date.now() + 5_000;
    while (Date.now() < until) {
      entries = (await api(server.url, '/api/v1/audit?limit=200', { token: admin })).body.entries;
      if (entries.some((e) => e.action === 'warning.resolved')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const mine = entries.filter((e) => e.target === id);
    expect(mine.map((e) => [e.action, e.actor, e.outcome]).reverse()).toEqual([
      ['warning.acknowledged', 'duty', 'ok'],
      ['warning.acknowledged', 'duty', 'refused'],
      ['warning.resolved', 'duty', 'ok'],
      ['warning.acknowledged', 'duty', 'refused'],
    ]);
  });

  it('warns of a third dispute within 200 m in a week, and not of disputes spread apart', async () => {
    const before = warningsOf(city).length;
    // Noise: three disputes a kilometre apart, and two close together.
    await post(placeIn(ELSEWHERE_COMMUNITY, 0, 0), { title: '噪音纠纷' });
    await post(placeIn(ELSEWHERE_COMMUNITY, 1_000, 0), { title: '噪音纠纷' });
    await post(placeIn(ELSEWHERE_COMMUNITY, 0, 1_000), { title: '噪音纠纷' });
    const near = placeIn(COMMUNITY, 0, 0, 3);
    const first = await post(near, { title: '停车位纠纷' });
    // 130 m apart: each its own matter (a dispute joins another within 100 m), all within 200 m.
    const second = await post(placeIn(COMMUNITY, 130, 0, 3), { title: '停车位纠纷' });
    const count = async () =>
      (await api(server.url, '/api/v1/warnings', { token: duty })).body.warnings.filter(
        (w: Warning) => w.rule === 'repeat-matter',
      ).length;
    expect(await count()).toBe(0);
    expect(
      warningsOf(city)
        .slice(before)
        .filter((w) => w.rule === 'repeat-matter'),
    ).toEqual([]);

    const third = await post(placeIn(COMMUNITY, 0, 130, 3), { title: '停车位纠纷' });
    await waitFor(
      () => warningsOf(city).some((w) => w.rule === 'repeat-matter'),
      10_000,
      'the repeat warning',
    );
    const warning = warningsOf(city).find((w) => w.rule === 'repeat-matter')!;
    expect(warning).toMatchObject({
      level: 'orange',
      facts: { category: 'dispute', count: 3, radiusM: 200, days: 7 },
      area: { communityId: COMMUNITY },
    });
    expect(warning.incidentIds).toEqual([first.incidentId, second.incidentId, third.incidentId]);
    expect(distanceMetres(warning.location!, near)).toBeLessThan(200);
    expect(await count()).toBe(1);
  });

  it('warns when a camera watching a key place goes offline, and ends it when it is back', async () => {
    const pkg = loadDemoCity();
    const places = pkg.keyPlaces.filter((p) => p.level <= 2);
    const camera = pkg.cameras.find((c) =>
      places.some((p) => distanceMetres(c.position, p.position) <= 150),
    )!;
    expect(camera).toBeDefined();
    const origin = (server as unknown as { originUrl: string }).originUrl;
    const auth = `Basic ${Buffer.from('nvr:citybrain-nvr-demo').toString('base64')}`;
    const admin = (state: string) =>
      fetch(`${origin}/admin/cameras/${camera.id}/${state}`, {
        method: 'POST',
        headers: { authorization: auth },
      });
    expect((await admin('offline')).status).toBe(204);
    await waitFor(
      () => warningsOf(city).some((w) => w.rule === 'key-camera-offline'),
      25_000,
      'the key-camera warning',
    );
    const warning = warningsOf(city).find((w) => w.rule === 'key-camera-offline')!;
    expect(warning).toMatchObject({ level: 'yellow', facts: { cameraId: camera.id } });
    expect(warning.facts.placeName).toBeTruthy();
    expect((await admin('online')).status).toBe(204);
    await waitFor(
      () =>
        warningsOf(city).some(
          (w) => w.id === warning.id && w.state === 'resolved' && w.resolved?.by === 'system',
        ),
      25_000,
      'the warning ended by itself',
    );
  }, 60_000);
});

describe('a department piling up overdue matters', () => {
  let late: TestServer | undefined;
  afterAll(() => late?.stop());

  it('is warned of once its pile reaches the threshold, and the warning ends when the pile is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'citybrain-warnings-config-'));
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ warnings: { departmentOverdue: { count: 2 } } }),
    );
    let offsetMs = 0;
    late = await startTestServer({
      clock: () => new Date(Date.now() + offsetMs),
      env: { CONFIG_FILE: join(dir, 'config.json') },
    });
    const url = late.url;
    const token = await login(url, 'duty');
    const screen = new LiveClient(url, token);
    await screen.ready();
    const department = demoCity().departments.find((d) => !d.streetId && !d.regionId)!;
    const act = (id: string, body: object) =>
      api(url, `/api/v1/incidents/${id}/actions`, { token, body });
    const ids: string[] = [];
    for (const n of [1, 2]) {
      const posted = await postReport(
        url,
        report({ category: 'citizen-request', title: `路灯不亮 ${n}` }),
      );
      const id = posted.body.incidentId as string;
      expect((await act(id, { action: 'accept', version: 1 })).status).toBe(200);
      const sent = await act(id, { action: 'dispatch', version: 2, departmentId: department.id });
      expect(sent.status).toBe(200);
      ids.push(id);
    }
    // Forty days on, both are past their deadline: a pile of two, the threshold here.
    offsetMs = 40 * 86_400_000;
    const pile = () => warningsOf(screen).filter((w) => w.rule === 'department-overdue');
    await waitFor(() => pile().length > 0, 25_000, 'the department-overdue warning');
    expect(pile()[0]).toMatchObject({
      level: 'yellow',
      state: 'open',
      facts: { departmentId: department.id, count: 2 },
    });
    expect([...pile()[0]!.incidentIds].sort()).toEqual([...ids].sort());

    // The department answers both (签收 and 反馈): nothing of theirs is overdue any more.
    for (const id of ids) {
      let version = (await api(url, `/api/v1/incidents/${id}`, { token })).body.incident.version;
      for (const step of [
        { action: 'respond', departmentId: department.id },
        { action: 'report', departmentId: department.id, comment: '已修复' },
      ]) {
        const res = await act(id, { ...step, version });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        version = res.body.incident.version;
      }
    }
    await waitFor(
      () => pile().some((w) => w.state === 'resolved' && w.resolved?.by === 'system'),
      25_000,
      'the warning ended by itself',
    );
    screen.close();
  }, 80_000);
});

describe('a grid far above its own weeks before', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
  });

  it('is warned of at the fifth matter of a week in a grid that gets about one, and not at the fourth', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'citybrain-surge-'));
    const grids = demoCity().regions.features.filter((f) => f.properties.parentId === COMMUNITY);
    const [busy, calm] = [grids[4]!, grids[5]!];
    const at = (grid: typeof busy) => {
      const [lng, lat] = grid.properties.center;
      return { lng, lat };
    };
    // Eight weeks of history, one matter a week in each grid, reported on a clock set back.
    let offsetMs = 0;
    const past = await startTestServer({ dataDir, clock: () => new Date(Date.now() + offsetMs) });
    servers.push(past);
    for (let week = 8; week >= 1; week--) {
      offsetMs = -(7 * week + 3) * 86_400_000;
      const time = new Date(Date.now() + offsetMs).toISOString();
      for (const grid of [busy, calm]) {
        const res = await postReport(
          past.url,
          report({ category: 'citizen-request', location: at(grid), time }),
        );
        expect(res.status).toBe(201);
      }
    }
    await past.stop();
    servers.pop();

    // Now: the busy grid gets five matters this week (of five kinds, so none joins another),
    // the calm one two.
    const now = await startTestServer({ dataDir });
    servers.push(now);
    const token = await login(now.url, 'duty');
    const screen = new LiveClient(now.url, token);
    await screen.ready();
    const kinds = [
      'citizen-request',
      'city-management',
      'safety-hazard',
      'public-order',
      'dispute',
    ] as const;
    const surges = async () =>
      (await api(now.url, '/api/v1/warnings', { token })).body.warnings.filter(
        (w: Warning) => w.rule === 'grid-surge',
      ) as Warning[];
    for (const category of kinds.slice(0, 2)) {
      await postReport(now.url, report({ category, location: at(calm) }));
    }
    for (const category of kinds.slice(0, 4)) {
      await postReport(now.url, report({ category, location: at(busy) }));
    }
    expect(await surges()).toEqual([]);
    await postReport(now.url, report({ category: kinds[4], location: at(busy) }));
    await waitFor(
      () => warningsOf(screen).some((w) => w.rule === 'grid-surge'),
      10_000,
      'the grid-surge warning',
    );
    const [warning] = await surges();
    expect(warning).toMatchObject({
      level: 'yellow',
      area: { gridId: busy.properties.id },
      // The history reaches back 59 days: 7 whole weeks before this one, 7 matters in them.
      facts: { count: 5, weeks: 7, baseline: 1 },
    });
    // P(X ≥ 5 | λ = 1) = 0.0037; at the fourth it was 0.019, above the rule's 0.01.
    expect(warning!.facts.p).toBeCloseTo(0.0037, 4);
    expect(await surges()).toHaveLength(1);
    // Raised at the fifth, not before: the first the screen heard of it already said five.
    expect(warningsOf(screen).find((w) => w.rule === 'grid-surge')!.facts.count).toBe(5);
    screen.close();
  }, 60_000);
});
