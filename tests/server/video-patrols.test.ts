import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  distanceMetres,
  KEY_PLACE_RADIUS_M,
  type TourPlan,
  type TourPlanInput,
  type VideoPatrol,
} from '../../shared/index.js';
import type { AuditRecord } from '../../shared/domain/audit.js';
import { DEMO_WALL_TOKEN } from '../../server/auth/demo-credentials.js';
import { api, demoCity, LiveClient, login, startTestServer, waitFor } from '../support/server.js';
import type { TestServer } from '../support/server.js';

/**
 * Video patrols (视频巡查) over a real server and SQLite file: tour plans made, changed and removed
 * by the right roles only, every bad field named and nothing written, rules resolved against the
 * city and a sub-centre's area, changes audited and pushed; the patrol log per centre day.
 */
const city = demoCity();
/** 23:50 on Monday 7 December 2026 at the centre (UTC+8): ten minutes before its day turns. */
let now = Date.parse('2026-12-07T23:50:00+08:00');
let server: TestServer;
const token: Record<string, string> = {};

const inStreet = city.cameras.filter((c) => c.regionId.startsWith('d01-s01-')).map((c) => c.id);
const outside = city.cameras.filter((c) => !c.regionId.startsWith('d01-s01-')).map((c) => c.id);

const plan = (over: Partial<TourPlanInput> = {}): TourPlanInput => ({
  name: '早高峰路口巡查',
  cameras: { kind: 'list', ids: [inStreet[0]!, inStreet[1]!, outside[0]!] },
  dwellSeconds: 30,
  tiles: 4,
  schedule: { days: [1, 2, 3, 4, 5], from: '07:00', to: '09:30' },
  walls: 'all',
  ...over,
});

const plans = async (as = 'operator') =>
  (await api(server.url, '/api/v1/tour-plans', { token: token[as] })).body.plans as TourPlan[];

beforeAll(async () => {
  server = await startTestServer({ clock: () => new Date(now) });
  for (const u of ['duty', 'operator', 'leader', 'admin', 'dept', 'street'])
    token[u] = await login(server.url, u);
  token.wall = DEMO_WALL_TOKEN;
});
afterAll(() => server?.stop());

describe('tour plans', () => {
  it('are made, read, changed and removed by operators and duty officers', async () => {
    const made = await api(server.url, '/api/v1/tour-plans', {
      token: token.operator,
      body: plan(),
    });
    expect(made.status).toBe(201);
    const p = made.body.plan as TourPlan;
    expect(p).toMatchObject({ name: '早高峰路口巡查', version: 1, dwellSeconds: 30, tiles: 4 });
    expect(p.cameraIds).toEqual([inStreet[0], inStreet[1], outside[0]]);
    expect((await plans('leader')).map((x) => x.id)).toContain(p.id);

    const changed = await api(server.url, `/api/v1/tour-plans/${p.id}`, {
      token: token.duty,
      method: 'PUT',
      body: plan({ name: '晚高峰路口巡查', dwellSeconds: 60 }),
    });
    expect(changed.status).toBe(200);
    expect(changed.body.plan).toMatchObject({ id: p.id, name: '晚高峰路口巡查', version: 2 });
    const read = await api(server.url, `/api/v1/tour-plans/${p.id}`, { token: token.leader });
    expect(read.body.plan).toMatchObject({ dwellSeconds: 60, updatedBy: '值班员 李明' });

    const gone = await api(server.url, `/api/v1/tour-plans/${p.id}`, {
      token: token.operator,
      method: 'DELETE',
    });
    expect(gone.status).toBe(204);
    const after = await api(server.url, `/api/v1/tour-plans/${p.id}`, { token: token.operator });
    expect(after.status).toBe(404);
    expect(after.body.error.code).toBe('tour_plan_not_found');
  });

  it('refuses leaders, departments, the auditor, walls and strangers', async () => {
    const before = (await plans()).length;
    for (const who of ['leader', 'dept', 'admin', 'wall']) {
      const res = await api(server.url, '/api/v1/tour-plans', { token: token[who], body: plan() });
      expect(res.status, who).toBe(403);
      expect(res.body.error.code, who).toBe('role_forbidden');
    }
    expect((await api(server.url, '/api/v1/tour-plans', { body: plan() })).status).toBe(401);
    for (const who of ['dept', 'admin'])
      expect((await api(server.url, '/api/v1/tour-plans', { token: token[who] })).status).toBe(403);
    // A leader reads; a wall reads the plans it is to run.
    expect((await api(server.url, '/api/v1/tour-plans', { token: token.wall })).status).toBe(200);
    expect((await plans()).length).toBe(before);
  });

  it('answers bad input with 400 naming the field, and writes nothing', async () => {
    const kept = (
      await api(server.url, '/api/v1/tour-plans', { token: token.operator, body: plan() })
    ).body.plan as TourPlan;
    const before = await plans();
    const cases: [Partial<TourPlanInput> | Record<string, unknown>, string][] = [
      [{ cameras: { kind: 'list', ids: [inStreet[0]!, 'cam-9999'] } }, 'cameras.ids.1'],
      [{ cameras: { kind: 'list', ids: [] } }, 'cameras.ids'],
      [{ cameras: { kind: 'key-place', id: 'kp-999' } }, 'cameras.id'],
      [{ cameras: { kind: 'street', id: 'd01-s01-c07' } }, 'cameras.id'],
      [{ dwellSeconds: 4 }, 'dwellSeconds'],
      [{ dwellSeconds: 601 }, 'dwellSeconds'],
      [{ tiles: 6 } as never, 'tiles'],
      [{ schedule: { days: [1], from: '7:00', to: '09:00' } }, 'schedule.from'],
      [{ schedule: { days: [1], from: '07:00', to: '25:00' } }, 'schedule.to'],
      [{ schedule: { days: [1], from: '07:00', to: '07:00' } }, 'schedule.to'],
      [{ schedule: { days: [0, 8], from: '07:00', to: '09:00' } }, 'schedule.days.0'],
      [{ walls: ['no-such-wall'] }, 'walls.0'],
      [{ name: '   ' }, 'name'],
    ];
    for (const [over, field] of cases) {
      const made = await api(server.url, '/api/v1/tour-plans', {
        token: token.operator,
        body: plan(over as Partial<TourPlanInput>),
      });
      expect(made.status, field).toBe(400);
      expect(made.body.error.code, field).toBe('invalid_fields');
      expect(
        made.body.error.fields.map((f: { path: string }) => f.path),
        field,
      ).toContain(field);
      expect(made.body.error.message, field).toContain(field);
      // A change with the same fault leaves the plan as it was.
      const changed = await api(server.url, `/api/v1/tour-plans/${kept.id}`, {
        token: token.operator,
        method: 'PUT',
        body: plan(over as Partial<TourPlanInput>),
      });
      expect(changed.status, field).toBe(400);
    }
    expect(await plans()).toEqual(before);
  });

  it('resolves a key place’s and a street’s cameras against the city', async () => {
    const place = city.keyPlaces.find((p) => p.id === 'kp-005')!;
    const near = city.cameras
      .filter((c) => distanceMetres(c.position, place.position) <= KEY_PLACE_RADIUS_M)
      .map((c) => c.id);
    const byPlace = (
      await api(server.url, '/api/v1/tour-plans', {
        token: token.operator,
        body: plan({ name: '人民医院周边', cameras: { kind: 'key-place', id: place.id } }),
      })
    ).body.plan as TourPlan;
    expect(near.length).toBeGreaterThan(3);
    expect([...byPlace.cameraIds].sort()).toEqual([...near].sort());
    const byStreet = (
      await api(server.url, '/api/v1/tour-plans', {
        token: token.operator,
        body: plan({ name: '滨江街道全域', cameras: { kind: 'street', id: 'd01-s01' } }),
      })
    ).body.plan as TourPlan;
    expect([...byStreet.cameraIds].sort()).toEqual([...inStreet].sort());
  });

  it('keeps a street centre to its own area: its cameras, its walls, its plans', async () => {
    const cityPlan = (await plans()).find((p) => p.cameraIds.includes(outside[0]!))!;
    // The city's plan shows on the street's screens with the street's cameras only.
    const seen = (await plans('street')).find((p) => p.id === cityPlan.id)!;
    expect(seen.cameraIds.every((id) => inStreet.includes(id))).toBe(true);
    const edit = await api(server.url, `/api/v1/tour-plans/${cityPlan.id}`, {
      token: token.street,
      method: 'PUT',
      body: plan(),
    });
    expect(edit.status).toBe(403);
    expect(edit.body.error.code).toBe('outside_your_area');

    const foreign = await api(server.url, '/api/v1/tour-plans', {
      token: token.street,
      body: plan(),
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.fields).toEqual([
      { path: 'cameras.ids.2', message: `camera ${outside[0]} is outside your area` },
    ]);
    const cityWall = await api(server.url, '/api/v1/tour-plans', {
      token: token.street,
      body: plan({ cameras: { kind: 'list', ids: inStreet.slice(0, 2) }, walls: ['demo-wall'] }),
    });
    expect(cityWall.status).toBe(400);
    expect(cityWall.body.error.fields[0].path).toBe('walls.0');
    const own = await api(server.url, '/api/v1/tour-plans', {
      token: token.street,
      body: plan({
        name: '滨江街道夜巡',
        cameras: { kind: 'list', ids: inStreet.slice(0, 2) },
        walls: ['binjiang-wall'],
      }),
    });
    expect(own.status).toBe(201);
    expect(own.body.plan.regionId).toBe('d01-s01');
    // The city's centre sees and may change the street's plan.
    expect((await plans('duty')).map((p) => p.id)).toContain(own.body.plan.id);
  });

  it('puts every change on the audit trail and tells the screens at once', async () => {
    const screen = new LiveClient(server.url, token.wall!);
    await screen.ready();
    const heard: string[] = [];
    screen.socket.on('videoPatrols', (c) => heard.push(c.what));
    const made = await api(server.url, '/api/v1/tour-plans', {
      token: token.operator,
      body: plan({ name: '审计用方案' }),
    });
    await waitFor(() => heard.includes('plans'), 5_000, 'the nudge');
    screen.close();
    const audit = await api(server.url, '/api/v1/audit?action=tour-plan.changed', {
      token: token.admin,
    });
    const entry = (audit.body.entries as AuditRecord[]).find((e) => e.target === '审计用方案');
    expect(entry).toMatchObject({
      actor: 'operator',
      actorRole: 'operator',
      detail: { op: 'create', planId: made.body.plan.id },
    });
  });
});

describe('the patrol log (巡查记录)', () => {
  let planId: string;
  beforeAll(async () => {
    planId = (
      await api(server.url, '/api/v1/tour-plans', {
        token: token.operator,
        body: plan({ name: '巡查记录测试', cameras: { kind: 'list', ids: inStreet.slice(0, 6) } }),
      })
    ).body.plan.id;
  });

  it('records who patrolled which cameras when, with notes, listed per centre day', async () => {
    const desk = await api(server.url, '/api/v1/video-patrols', {
      token: token.duty,
      body: { planId },
    });
    expect(desk.status).toBe(201);
    const run = desk.body.patrol as VideoPatrol;
    expect(run).toMatchObject({
      planName: '巡查记录测试',
      actor: 'duty',
      actorName: '值班员 李明',
      by: 'desk',
      cameraIds: inStreet.slice(0, 6),
    });
    const noted = await api(server.url, `/api/v1/video-patrols/${run.id}/notes`, {
      token: token.duty,
      body: { text: '3号摄像头画面模糊' },
    });
    expect(noted.status).toBe(201);
    now += 60_000;
    const ended = await api(server.url, `/api/v1/video-patrols/${run.id}/end`, {
      token: token.duty,
      body: { cameraIds: inStreet.slice(0, 4) },
    });
    expect(ended.body.patrol).toMatchObject({
      cameraIds: inStreet.slice(0, 4),
      endedAt: new Date(now).toISOString(),
      notes: [{ by: '值班员 李明', text: '3号摄像头画面模糊' }],
    });
    const wall = await api(server.url, '/api/v1/video-patrols', {
      token: token.wall,
      body: { planId, cameraIds: inStreet.slice(0, 6) },
    });
    expect(wall.body.patrol).toMatchObject({ actor: 'device:demo-wall', by: 'wall' });

    // Past midnight at the centre (still the same day in UTC): the next day's log.
    now += 15 * 60_000;
    const next = await api(server.url, '/api/v1/video-patrols', {
      token: token.operator,
      body: { planId },
    });
    const day1 = await api(server.url, '/api/v1/video-patrols?date=2026-12-07', {
      token: token.leader,
    });
    expect(day1.status).toBe(200);
    expect(day1.body.patrols.map((p: VideoPatrol) => p.id)).toEqual([run.id, wall.body.patrol.id]);
    const day2 = await api(server.url, '/api/v1/video-patrols', { token: token.leader });
    expect(day2.body).toMatchObject({ date: '2026-12-08' });
    expect(day2.body.patrols.map((p: VideoPatrol) => p.id)).toEqual([next.body.patrol.id]);
    // The street's centre sees the log of its own area only.
    const street = await api(server.url, '/api/v1/video-patrols?date=2026-12-07', {
      token: token.street,
    });
    expect(street.body.patrols).toEqual([]);
  });

  it('refuses a bad date naming it, other roles, and others’ runs', async () => {
    for (const date of ['2026-12-7', '2026-13-01', 'today']) {
      const res = await api(server.url, `/api/v1/video-patrols?date=${date}`, {
        token: token.duty,
      });
      expect(res.status, date).toBe(400);
      expect(res.body.error.fields[0].path, date).toBe('date');
    }
    const leader = await api(server.url, '/api/v1/video-patrols', {
      token: token.leader,
      body: { planId },
    });
    expect(leader.status).toBe(403);
    expect((await api(server.url, '/api/v1/video-patrols', { token: token.admin })).status).toBe(
      403,
    );
    const unknown = await api(server.url, '/api/v1/video-patrols', {
      token: token.duty,
      body: { planId: 'tp-nope' },
    });
    expect(unknown.status).toBe(404);
    const mine = (
      await api(server.url, '/api/v1/video-patrols', { token: token.duty, body: { planId } })
    ).body.patrol as VideoPatrol;
    const theirs = await api(server.url, `/api/v1/video-patrols/${mine.id}/end`, {
      token: token.operator,
      body: {},
    });
    expect(theirs.status).toBe(403);
    const empty = await api(server.url, `/api/v1/video-patrols/${mine.id}/notes`, {
      token: token.duty,
      body: { text: ' ' },
    });
    expect(empty.status).toBe(400);
    expect(empty.body.error.fields[0].path).toBe('text');
  });

  it('takes a wall’s run up again when the wall comes back within moments, not a second entry', async () => {
    const start = async (as: string) =>
      (await api(server.url, '/api/v1/video-patrols', { token: token[as], body: { planId } })).body
        .patrol as VideoPatrol;
    const end = async (as: string, id: string, cameraIds: string[]) =>
      (
        await api(server.url, `/api/v1/video-patrols/${id}/end`, {
          token: token[as],
          body: { cameraIds },
        })
      ).body.patrol as VideoPatrol;
    const first = await start('wall');
    now += 30_000;
    await end('wall', first.id, inStreet.slice(0, 2));
    // The wall reloads (a new build, a restart) and its schedule brings the plan back.
    now += 20_000;
    const again = await start('wall');
    expect(again.id).toBe(first.id);
    expect(again.endedAt).toBeUndefined();
    now += 60_000;
    const ended = await end('wall', first.id, inStreet.slice(2, 4));
    expect(ended).toMatchObject({
      cameraIds: inStreet.slice(0, 4),
      endedAt: new Date(now).toISOString(),
    });
    // Minutes later it is another run; and a person at a desk starting again is always one.
    now += 5 * 60_000;
    const later = await start('wall');
    expect(later.id).not.toBe(first.id);
    const desk = await start('duty');
    await end('duty', desk.id, inStreet.slice(0, 1));
    now += 10_000;
    expect((await start('duty')).id).not.toBe(desk.id);
    const log = await api(server.url, '/api/v1/video-patrols', { token: token.leader });
    const ids = (log.body.patrols as VideoPatrol[]).map((p) => p.id);
    expect(ids.filter((id) => id === first.id)).toHaveLength(1);
  });
});
