import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident, IncidentSummary, WallPush } from '../../shared/index.js';
import { hashSecret } from '../../server/auth/accounts-file.js';
import { hashPassword } from '../../server/auth/passwords.js';
import {
  api,
  demoCity,
  LiveClient,
  login,
  report,
  startTestServer,
  waitFor,
  type TestServer,
} from '../support/server.js';

/**
 * Sub-centres (五级联动) end to end: a community centre (凤凰社区), its street (滨江街道), another
 * street (文昌街道) and the city, each with its own desk, and three walls. Real server, real
 * SQLite, real Socket.IO; the accounts come from the accounts file as a centre's would.
 */
const PASSWORD = 'levels-test-password';
const KEY = 'levels-test-ingest-key';
const COMMUNITY = 'd01-s01-c07';
const STREET = 'd01-s01';
const OTHER_STREET = 'd01-s02';
/** Places in 凤凰社区, in 滨江社区 (same street) and in 文昌街道 (another street). */
const IN_COMMUNITY = COMMUNITY;
const IN_STREET = 'd01-s01-c01';
const ELSEWHERE = 'd01-s02-c01';
const WALLS = {
  city: 'wall-city-token-0001',
  street: 'wall-street-token-01',
  other: 'wall-other-token-001',
};

function accountsFile(dir: string): void {
  const passwordHash = hashPassword(PASSWORD, 1024, Buffer.from('levels-test-salt'));
  const user = (username: string, regionId?: string) => ({
    username,
    name: username,
    role: 'duty',
    passwordHash,
    ...(regionId ? { regionId } : {}),
  });
  writeFileSync(
    join(dir, 'accounts.json'),
    JSON.stringify({
      users: [
        user('city'),
        user('street', STREET),
        user('other-street', OTHER_STREET),
        user('community', COMMUNITY),
        { ...user('community-leader', COMMUNITY), role: 'leader' },
      ],
      ingestKeys: [{ name: 'test', keyHash: hashSecret(KEY) }],
      deviceTokens: [
        { name: 'city-wall', tokenHash: hashSecret(WALLS.city), role: 'operator' },
        {
          name: 'street-wall',
          tokenHash: hashSecret(WALLS.street),
          role: 'operator',
          regionId: STREET,
        },
        {
          name: 'other-wall',
          tokenHash: hashSecret(WALLS.other),
          role: 'operator',
          regionId: OTHER_STREET,
        },
      ],
    }),
  );
}

/** The community of each grid, from the city package: what "in my area" means, worked out here. */
function areaOfGrid(gridId: string): { community: string; street: string } {
  const regions = new Map(demoCity().regions.features.map((f) => [f.properties.id, f.properties]));
  const community = regions.get(gridId)!.parentId!;
  return { community, street: regions.get(community)!.parentId! };
}

describe('centres at every level', () => {
  let server: TestServer;
  const token: Record<string, string> = {};
  const live: Record<string, LiveClient> = {};

  /**
   * A report at the centre of the next grid of a community, in turn, so that no two reports
   * join one incident (the attach radius is 50-300 m).
   */
  const turns = new Map<string, number>();
  async function post(communityId: string, severity = 'low') {
    const grids = demoCity().regions.features.filter((f) => f.properties.parentId === communityId);
    const n = turns.get(communityId) ?? 0;
    turns.set(communityId, n + 1);
    const [lng, lat] = grids[n % grids.length]!.properties.center;
    const category = (['dispute', 'public-order', 'safety-hazard'] as const)[
      Math.floor(n / grids.length) % 3
    ];
    const res = await api(server.url, '/api/v1/reports', {
      token: KEY,
      body: report({ location: { lng, lat }, severity: severity as never, category }),
    });
    expect(res.status).toBe(201);
    return res.body.incidentId as string;
  }

  async function act(who: string, id: string, request: Record<string, unknown>) {
    const current = await api(server.url, `/api/v1/incidents/${id}`, { token: token.city });
    return api(server.url, `/api/v1/incidents/${id}/actions`, {
      token: token[who],
      body: { version: (current.body.incident as Incident).version, ...request },
    });
  }

  const seen = (client: LiveClient, id: string) =>
    client.received.some((d) => d.type === 'incident' && d.incident.id === id);

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'citybrain-levels-'));
    accountsFile(dataDir);
    server = await startTestServer({ dataDir });
    for (const u of ['city', 'street', 'other-street', 'community', 'community-leader'])
      token[u] = await login(server.url, u, PASSWORD);
    for (const u of ['city', 'street', 'community'])
      live[u] = new LiveClient(server.url, token[u]!);
    await Promise.all(Object.values(live).map((c) => c.ready()));
  });
  afterAll(async () => {
    for (const c of Object.values(live)) c.close();
    await server?.stop();
  });

  it('starts small matters at the community, middling at the street, grave at the city', async () => {
    const small = await post(IN_COMMUNITY, 'low');
    const middling = await post(IN_COMMUNITY, 'medium');
    const grave = await post(IN_COMMUNITY, 'high');
    const levels = await Promise.all(
      [small, middling, grave].map(async (id) => {
        const { body } = await api(server.url, `/api/v1/incidents/${id}`, { token: token.city });
        return (body.incident as Incident).centreLevel ?? 'city';
      }),
    );
    expect(levels).toEqual(['community', 'street', 'city']);
  });

  it('sends each delta only to the screens whose area it touches, without a gap', async () => {
    const here = await post(IN_COMMUNITY);
    const sameStreet = await post(IN_STREET);
    const elsewhere = await post(ELSEWHERE);
    await waitFor(() => seen(live.city!, elsewhere) && seen(live.city!, here), 5_000, 'city');
    await waitFor(() => seen(live.street!, sameStreet), 5_000, 'street');
    await waitFor(() => seen(live.community!, here), 5_000, 'community');
    // The city's screen got everything; the street's, its own two; the community's, its one.
    expect(seen(live.street!, here)).toBe(true);
    expect(seen(live.street!, elsewhere)).toBe(false);
    expect(seen(live.community!, sameStreet)).toBe(false);
    expect(seen(live.community!, elsewhere)).toBe(false);
    for (const c of Object.values(live)) expect(c.errors).toEqual([]);
    for (const d of live.community!.received)
      if (d.type === 'incident') expect(d.incident.communityId).toBe(COMMUNITY);
    for (const d of live.street!.received)
      if (d.type === 'incident') expect(d.incident.streetId).toBe(STREET);
  });

  it('brings a community screen back after a break with exactly what it missed in its area', async () => {
    const client = live.community!;
    client.socket.disconnect();
    const missed = await post(IN_COMMUNITY);
    const notMine = await post(ELSEWHERE);
    await waitFor(() => seen(live.city!, notMine) && seen(live.city!, missed), 5_000, 'city');
    const snapshots = client.snapshots.length;
    client.socket.connect();
    await waitFor(() => seen(client, missed), 5_000, 'the missed delta');
    // Caught up from the stream, not started over, and nothing outside its area.
    expect(client.snapshots.length).toBe(snapshots);
    expect(seen(client, notMine)).toBe(false);
    expect(client.errors).toEqual([]);
  });

  it('gives a community its own snapshot, figures and lists, and 403 for another area', async () => {
    const elsewhere = await post(ELSEWHERE);
    const fresh = new LiveClient(server.url, token.community!);
    await fresh.ready();
    const snapshot = fresh.snapshots[0]!;
    expect(snapshot.incidents.length).toBeGreaterThan(0);
    expect(snapshot.incidents.every((i) => i.communityId === COMMUNITY)).toBe(true);
    // The community's figures count its own intake: what this test posted there (4 so far).
    await waitFor(() => fresh.kpis !== undefined || snapshot.kpis !== undefined);
    const kpis = fresh.kpis ?? snapshot.kpis;
    const mine = (await api(server.url, '/api/v1/incidents', { token: token.city })).body
      .incidents as IncidentSummary[];
    expect(kpis.intake).toBe(mine.filter((i) => i.communityId === COMMUNITY).length);
    expect(snapshot.cameras.length).toBeGreaterThan(0);
    for (const c of snapshot.cameras)
      expect(areaOfGrid(demoCity().cameras.find((x) => x.id === c.id)!.regionId).community).toBe(
        COMMUNITY,
      );
    fresh.close();

    const list = await api(server.url, '/api/v1/incidents', { token: token.community });
    expect(list.status).toBe(200);
    expect(list.body.incidents.length).toBeGreaterThan(0);
    expect(
      (list.body.incidents as IncidentSummary[]).every((i) => i.communityId === COMMUNITY),
    ).toBe(true);
    const cameras = await api(server.url, '/api/v1/cameras', { token: token.community });
    expect(cameras.body.length).toBe(
      demoCity().cameras.filter((c) => areaOfGrid(c.regionId).community === COMMUNITY).length,
    );

    for (const who of ['community', 'community-leader']) {
      const detail = await api(server.url, `/api/v1/incidents/${elsewhere}`, { token: token[who] });
      expect(detail).toMatchObject({ status: 403, body: { error: { code: 'outside_your_area' } } });
    }
    const acted = await act('community', elsewhere, { action: 'accept' });
    expect(acted).toMatchObject({ status: 403, body: { error: { code: 'outside_your_area' } } });
    const other = await api(server.url, `/api/v1/incidents?region=${OTHER_STREET}`, {
      token: token.community,
    });
    expect(other).toMatchObject({ status: 403, body: { error: { code: 'outside_your_area' } } });
    const outsideCamera = demoCity().cameras.find(
      (c) => areaOfGrid(c.regionId).street === OTHER_STREET,
    )!;
    const stream = await api(server.url, `/api/v1/cameras/${outsideCamera.id}/stream`, {
      token: token.community,
      body: {},
    });
    expect(stream).toMatchObject({ status: 403, body: { error: { code: 'outside_your_area' } } });
  });

  it('escalates from the community to the street and the city, each taking it in turn', async () => {
    const id = await post(IN_COMMUNITY);
    expect((await act('community', id, { action: 'accept' })).status).toBe(200);
    const up = await act('community', id, {
      action: 'escalate',
      comment: '社区调解未果，上报街道',
    });
    expect(up.status).toBe(200);
    const escalated = up.body.incident as Incident;
    expect(escalated.centreLevel).toBe('street');
    // The street has the default 30 minutes to take it.
    expect(Date.parse(escalated.handover!.dueAt) - Date.parse(escalated.handover!.at)).toBe(
      30 * 60_000,
    );
    // The street's screen hears of it at once; the community may now only add notes.
    await waitFor(
      () =>
        live.street!.received.some(
          (d) =>
            d.type === 'incident' && d.incident.id === id && d.incident.handover?.to === 'street',
        ),
      2_000,
      'the escalation on the street desk',
    );
    expect(
      await act('community', id, { action: 'dispatch', departmentId: 'dept-mediation' }),
    ).toMatchObject({ status: 403, body: { error: { code: 'held_by_higher_centre' } } });
    expect((await act('community', id, { action: 'note', comment: '当事人已去街道' })).status).toBe(
      200,
    );
    expect(await act('other-street', id, { action: 'take' })).toMatchObject({
      status: 403,
      body: { error: { code: 'outside_your_area' } },
    });
    const taken = await act('street', id, { action: 'take' });
    expect(taken.status).toBe(200);
    expect(taken.body.incident.handover).toBeUndefined();
    const toCity = await act('street', id, { action: 'escalate', comment: '提请市级统筹' });
    expect(toCity.body.incident.centreLevel).toBeUndefined();
    expect((await act('city', id, { action: 'take' })).status).toBe(200);

    const { body } = await api(server.url, `/api/v1/incidents/${id}`, { token: token.community });
    const steps = (body.incident as Incident).timeline.map((e) => [
      e.action,
      e.actor.regionId ?? 'city',
    ]);
    expect(steps).toEqual([
      ['created', 'city'],
      ['accept', COMMUNITY],
      ['escalate', COMMUNITY],
      ['note', COMMUNITY],
      ['take', STREET],
      ['escalate', STREET],
      ['take', 'city'],
    ]);
    expect((body.incident as Incident).timeline[2]!.comment).toBe('社区调解未果，上报街道');
  });

  it('assigns down from the city to the community, with a deadline to take it', async () => {
    const id = await post(IN_COMMUNITY, 'high');
    const down = await act('city', id, { action: 'assign-down', to: 'community' });
    expect(down.status).toBe(200);
    expect(down.body.incident).toMatchObject({
      centreLevel: 'community',
      handover: { kind: 'assign-down', from: 'city', to: 'community', flagged: false },
    });
    await waitFor(
      () =>
        live.community!.received.some(
          (d) => d.type === 'incident' && d.incident.id === id && d.incident.handover,
        ),
      2_000,
      'the assignment on the community desk',
    );
    const accepted = await act('community', id, { action: 'accept' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.incident.handover).toBeUndefined();
  });

  it('sends a street office or a community station only to matters in its area', async () => {
    const id = await post(IN_STREET);
    expect((await act('city', id, { action: 'accept' })).status).toBe(200);
    const wrong = await act('city', id, {
      action: 'dispatch',
      departmentId: `dept-station-${COMMUNITY}`,
    });
    expect(wrong).toMatchObject({
      status: 400,
      body: { error: { code: 'department_outside_area' } },
    });
    const office = await act('city', id, {
      action: 'dispatch',
      departmentId: `dept-office-${STREET}`,
    });
    expect(office.status).toBe(200);
    const depts = await api(server.url, '/api/v1/departments', { token: token['other-street'] });
    const ids = (depts.body as { id: string }[]).map((d) => d.id);
    expect(ids).toContain('dept-mediation');
    expect(ids).toContain(`dept-office-${OTHER_STREET}`);
    expect(ids).not.toContain(`dept-office-${STREET}`);
    expect(ids).not.toContain(`dept-station-${COMMUNITY}`);
  });

  it("lets a street's wall obey the street and the city, not another street", async () => {
    const walls = {
      city: new LiveClient(server.url, WALLS.city),
      street: new LiveClient(server.url, WALLS.street),
      other: new LiveClient(server.url, WALLS.other),
    };
    const heard: Record<string, WallPush[]> = { city: [], street: [], other: [] };
    for (const [name, c] of Object.entries(walls)) c.socket.on('wall', (p) => heard[name]!.push(p));
    await Promise.all(Object.values(walls).map((c) => c.ready()));
    // The street wall's picture is its street's.
    expect(walls.street.snapshots[0]!.incidents.every((i) => i.streetId === STREET)).toBe(true);
    const desks = {
      city: new LiveClient(server.url, token.city!),
      street: new LiveClient(server.url, token.street!),
      other: new LiveClient(server.url, token['other-street']!),
    };
    await Promise.all(Object.values(desks).map((c) => c.ready()));
    const push = (desk: LiveClient, target: string, regionId: string) =>
      desk.socket
        .timeout(5_000)
        .emitWithAck('wall:push', { target, command: { kind: 'region', regionId } });

    expect(await push(desks.street, 'street-wall', COMMUNITY)).toMatchObject({ ok: true });
    expect(await push(desks.city, 'street-wall', STREET)).toMatchObject({ ok: true });
    expect(await push(desks.other, 'street-wall', OTHER_STREET)).toMatchObject({
      ok: false,
      status: 403,
      error: { code: 'wall_outside_area' },
    });
    expect(await push(desks.street, 'city-wall', STREET)).toMatchObject({
      ok: false,
      error: { code: 'wall_outside_area' },
    });
    expect(await push(desks.street, 'all', OTHER_STREET)).toMatchObject({
      ok: false,
      error: { code: 'outside_your_area' },
    });
    // A 复盘 pushed to a wall: its own street's (or a part of it) goes; another street's, or to
    // a wall outside the street, does not.
    const replay = (desk: LiveClient, target: string, area?: string) =>
      desk.socket.timeout(5_000).emitWithAck('wall:push', {
        target,
        command: {
          kind: 'replay',
          from: '2026-12-01T00:00:00.000Z',
          to: '2026-12-01T02:00:00.000Z',
          position: '2026-12-01T01:00:00.000Z',
          speed: 60,
          playing: true,
          ...(area ? { area } : {}),
        },
      });
    expect(await replay(desks.other, 'street-wall')).toMatchObject({
      ok: false,
      error: { code: 'wall_outside_area' },
    });
    expect(await replay(desks.street, 'street-wall', OTHER_STREET)).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(await replay(desks.street, 'city-wall', STREET)).toMatchObject({
      ok: false,
      error: { code: 'wall_outside_area' },
    });
    expect(heard.street!.filter((p) => p.command.kind === 'replay')).toEqual([]);
    // A street's push to all its walls reaches its own and no other street's, nor the city's.
    expect(await push(desks.street, 'all', STREET)).toMatchObject({ ok: true });
    await waitFor(() => heard.street!.length === 3, 2_000, 'the street wall to hear three pushes');
    expect(heard.street!.map((p) => [p.target, p.by])).toEqual([
      ['street-wall', 'street'],
      ['street-wall', 'city'],
      ['all', 'street'],
    ]);
    expect(heard.other!.filter((p) => p.target === 'all' || p.target === 'other-wall')).toEqual([]);
    expect(heard.city!.filter((p) => p.by === 'street')).toEqual([]);
    // And one of its own community, to its own wall, plays there.
    expect(await replay(desks.street, 'street-wall', COMMUNITY)).toMatchObject({ ok: true });
    await waitFor(() => heard.street!.length === 4, 2_000, 'the street wall to hear the replay');
    expect(heard.street!.at(-1)).toMatchObject({
      by: 'street',
      command: { kind: 'replay', area: COMMUNITY, speed: 60 },
    });
    for (const c of [...Object.values(walls), ...Object.values(desks)]) c.close();
  });
});

describe('a handover nobody takes', () => {
  let server: TestServer;
  afterAll(() => server?.stop());

  it('is flagged once its time is up (接收超时), on the timeline and on every screen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'citybrain-levels-config-'));
    // The street has under a second to take what is handed to it.
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ levels: { takeWithinMinutes: { street: 0.01 } } }),
    );
    server = await startTestServer({ env: { CONFIG_FILE: join(dir, 'config.json') } });
    // The desks are told the same rules, so the time they show to take is the server's.
    const config = await api(server.url, '/api/v1/client-config');
    expect(config.body.levels).toMatchObject({
      centres: ['city', 'street', 'community'],
      takeWithin: { street: 600, city: 15 * 60_000 },
    });
    const community = await login(server.url, 'community');
    const street = new LiveClient(server.url, await login(server.url, 'street'));
    await street.ready();
    const grid = demoCity().regions.features.find((f) => f.properties.parentId === COMMUNITY)!;
    const [lng, lat] = grid.properties.center;
    const posted = await api(server.url, '/api/v1/reports', {
      token: 'demo-ingest-key',
      body: report({ location: { lng, lat }, severity: 'low' }),
    });
    const id = posted.body.incidentId as string;
    const up = await api(server.url, `/api/v1/incidents/${id}/actions`, {
      token: community,
      body: { action: 'escalate', version: 1, comment: '上报街道' },
    });
    expect(up.status).toBe(200);
    await waitFor(
      () =>
        street.received.some(
          (d) => d.type === 'incident' && d.incident.id === id && d.incident.handover?.flagged,
        ),
      10_000,
      'the handover flagged on the street screen',
    );
    const { body } = await api(server.url, `/api/v1/incidents/${id}`, { token: community });
    const overdue = (body.incident as Incident).timeline.filter((e) => e.action === 'overdue');
    expect(overdue).toHaveLength(1);
    expect(overdue[0]).toMatchObject({
      actor: { role: 'system' },
      detail: { step: 'take', level: 'street' },
    });
    street.close();
  });
});
