import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident, WorkerPosition } from '../../shared/index.js';
import {
  api,
  demoCity,
  INGEST_KEY,
  LiveClient,
  login,
  startTestServer,
  waitFor,
  type TestServer,
} from '../support/server.js';

/** A busy market's grid: the demo grid worker's own (d01-s01-c07-g06). */
const MARKET: [number, number] = [112.922072, 22.939214];

/** A photo as a phone's camera makes one: a small JPEG, different each call. */
async function photo(seed: number): Promise<Buffer> {
  return sharp({
    create: { width: 64, height: 48, channels: 3, background: { r: seed % 255, g: 90, b: 40 } },
  })
    .jpeg()
    .toBuffer();
}

async function upload(url: string, token: string, bytes: Buffer): Promise<string> {
  const res = await fetch(`${url}/api/v1/attachments`, {
    method: 'POST',
    headers: { 'content-type': 'image/jpeg', authorization: `Bearer ${token}` },
    body: new Uint8Array(bytes),
  });
  expect(res.status).toBeLessThan(300);
  return ((await res.json()) as { id: string }).id;
}

function fieldReport(over: Record<string, unknown> = {}) {
  return {
    externalId: randomUUID(),
    category: 'city-management',
    severity: 'low',
    title: '农贸市场门口占道经营',
    description: '三个流动摊位占用人行道',
    location: { lng: MARKET[0], lat: MARKET[1], accuracy: 12 },
    time: new Date().toISOString(),
    ...over,
  };
}

describe('the phones and the reception', () => {
  let server: TestServer;
  const tokens: Record<string, string> = {};
  let gridWorkerId: string;

  beforeAll(async () => {
    server = await startTestServer();
    for (const user of ['duty', 'leader', 'grid', 'patrol', 'dept', 'operator', 'street'])
      tokens[user] = await login(server.url, user);
    const me = await api(server.url, '/api/v1/auth/me', { token: tokens.grid });
    gridWorkerId = me.body.gridWorkerId;
    const grid = demoCity().gridWorkers.find((w) => w.id === gridWorkerId);
    expect(grid?.gridIds).toContain('d01-s01-c07-g06');
  });
  afterAll(() => server?.stop());

  it("takes a grid worker's report with photos under the worker's own name, once", async () => {
    const photos = [await upload(server.url, tokens.grid!, await photo(1))];
    const body = fieldReport({ photos });
    const first = await api(server.url, '/api/v1/field/reports', { token: tokens.grid, body });
    expect(first.status).toBe(201);
    expect(first.body.result).toBe('created');
    // The phone lost the answer and sends the same report again.
    const again = await api(server.url, '/api/v1/field/reports', { token: tokens.grid, body });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ result: 'duplicate', incidentId: first.body.incidentId });

    const detail = await api(server.url, `/api/v1/incidents/${first.body.incidentId}`, {
      token: tokens.duty,
    });
    const incident = detail.body.incident as Incident;
    expect(incident).toMatchObject({
      source: 'grid-worker',
      gridId: 'd01-s01-c07-g06',
      gridWorkerId,
      state: 'reported',
    });
    expect(incident.timeline[0]).toMatchObject({
      action: 'created',
      actor: { role: 'grid', gridWorkerId },
      photos,
    });
    // Every photo the timeline names comes with a link the desk can open.
    const link = detail.body.attachments[photos[0]!];
    expect(link.thumbUrl).toMatch(/^\/files\//);
    const image = await fetch(`${server.url}${link.url}`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/jpeg');
  });

  it('closes a matter the grid worker settled on the spot in one step, counted apart', async () => {
    const client = new LiveClient(server.url, tokens.duty!);
    await client.ready();
    const before = client.snapshots[0]!.kpis.selfHandled;
    const result = await upload(server.url, tokens.grid!, await photo(2));
    const res = await api(server.url, '/api/v1/field/reports', {
      token: tokens.grid,
      body: fieldReport({
        title: '楼道堆放杂物',
        category: 'safety-hazard',
        selfHandled: { comment: '已劝导住户清理，通道已畅通', photos: [result] },
      }),
    });
    expect(res.status).toBe(201);
    const { body } = await api(server.url, `/api/v1/incidents/${res.body.incidentId}`, {
      token: tokens.duty,
    });
    expect(body.incident).toMatchObject({
      state: 'closed',
      resolution: 'self-handled',
      deadline: null,
    });
    expect(body.incident.timeline.map((e: { action: string }) => e.action)).toEqual([
      'created',
      'self-handle',
    ]);
    expect(body.incident.timeline[1].photos).toEqual([result]);
    await waitFor(() => client.kpis?.selfHandled === before + 1, 5_000, 'the self-handled count');
    client.close();
  });

  it('refuses photos that were never uploaded, and self-handling by a patrol', async () => {
    const unknown = await api(server.url, '/api/v1/field/reports', {
      token: tokens.grid,
      body: fieldReport({ photos: ['a'.repeat(64)] }),
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('unknown_attachment');
    const patrol = await api(server.url, '/api/v1/field/reports', {
      token: tokens.patrol,
      body: fieldReport({ selfHandled: { comment: '已处置', photos: ['b'.repeat(64)] } }),
    });
    expect(patrol.status).toBe(403);
    // Nobody but a phone reports through the phones' route.
    const desk = await api(server.url, '/api/v1/field/reports', {
      token: tokens.duty,
      body: fieldReport(),
    });
    expect(desk.status).toBe(403);
  });

  it("lists the worker's own tasks, lets it check and call back, and no one else's", async () => {
    const posted = await api(server.url, '/api/v1/field/reports', {
      token: tokens.grid,
      body: fieldReport({ title: '井盖缺失', category: 'safety-hazard', severity: 'medium' }),
    });
    const id = posted.body.incidentId as string;
    const act = (token: string, body: Record<string, unknown>) =>
      api(server.url, `/api/v1/incidents/${id}/actions`, { token, body });
    let version = 1;
    const step = async (token: string, body: Record<string, unknown>) => {
      const res = await act(token, { version, ...body });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      version = res.body.incident.version;
      return res.body.incident as Incident;
    };
    await step(tokens.duty!, { action: 'accept' });
    await step(tokens.duty!, { action: 'dispatch', departmentId: 'dept-city-management' });
    await step(tokens.dept!, { action: 'respond', departmentId: 'dept-city-management' });
    await step(tokens.dept!, {
      action: 'report',
      departmentId: 'dept-city-management',
      comment: '已补装井盖',
    });
    const tasks = await api(server.url, '/api/v1/field/tasks', { token: tokens.grid });
    expect(tasks.status).toBe(200);
    expect(tasks.body.tasks.map((i: Incident) => i.id)).toContain(id);
    expect(tasks.body.reported.map((i: Incident) => i.id)).toContain(id);

    // A patrol was not sent to it: it may not note on it.
    const patrol = await act(tokens.patrol!, { action: 'note', version, comment: '路过' });
    expect(patrol.status).toBe(403);
    expect(patrol.body.error.code).toBe('not_your_incident');

    const checked = await step(tokens.grid!, { action: 'check', passed: true, comment: '已核实' });
    expect(checked.timeline.at(-1)).toMatchObject({ action: 'check', detail: { passed: true } });
    await step(tokens.duty!, { action: 'close' });
    const evaluated = await step(tokens.grid!, { action: 'evaluate', rating: 5 });
    expect(evaluated.state).toBe('evaluated');
    const after = await api(server.url, '/api/v1/field/tasks', { token: tokens.grid });
    expect(after.body.tasks.map((i: Incident) => i.id)).not.toContain(id);
  });

  it("asks for more time from the department's side, granted or refused at the desk", async () => {
    const posted = await api(server.url, '/api/v1/field/reports', {
      token: tokens.grid,
      body: fieldReport({ title: '广告牌松动', category: 'safety-hazard', severity: 'medium' }),
    });
    const id = posted.body.incidentId as string;
    let version = 1;
    const step = async (token: string, body: Record<string, unknown>, status = 200) => {
      const res = await api(server.url, `/api/v1/incidents/${id}/actions`, {
        token,
        body: { version, ...body },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      if (status === 200) version = res.body.incident.version;
      return res.body;
    };
    await step(tokens.duty!, { action: 'accept' });
    await step(tokens.duty!, { action: 'dispatch', departmentId: 'dept-city-management' });
    const dueAt = new Date(Date.now() + 5 * 86_400_000).toISOString();
    const asked = await step(tokens.dept!, {
      action: 'ask-extension',
      departmentId: 'dept-city-management',
      dueAt,
      comment: '需协调产权单位',
    });
    expect(asked.incident.extensionRequest).toMatchObject({ dueAt });
    // Only the duty officer answers it.
    await step(tokens.dept!, { action: 'extend', dueAt, comment: '自批' }, 403);
    const refused = await step(tokens.duty!, { action: 'deny-extension', comment: '请按时办结' });
    expect(refused.incident.extensionRequest).toBeUndefined();
    await step(tokens.dept!, {
      action: 'ask-extension',
      departmentId: 'dept-city-management',
      dueAt,
      comment: '产权单位未联系上',
    });
    const granted = await step(tokens.duty!, { action: 'extend', dueAt, comment: '同意延期' });
    expect(granted.incident.extensionRequest).toBeUndefined();
    expect(granted.incident.deadline.dueAt).toBe(dueAt);
    expect(granted.incident.timeline.at(-1).detail.granted).toBe('dept-city-management');
    const reminded = await step(tokens.duty!, { action: 'remind' });
    expect(reminded.incident.remindedAt).toBeTruthy();
    const sent = await step(tokens.duty!, { action: 'send-patrol', patrolIds: ['pt-01'] });
    expect(sent.incident.patrolIds).toEqual(['pt-01']);
    await step(tokens.duty!, { action: 'send-patrol', patrolIds: ['pt-nowhere'] }, 400);
    // The patrol sent sees it on its phone, and may now write to it.
    const tasks = await api(server.url, '/api/v1/field/tasks', { token: tokens.patrol });
    expect(tasks.body.tasks.map((i: Incident) => i.id)).toContain(id);
    await step(tokens.patrol!, { action: 'note', comment: '已到场' });
  });

  it('registers a walk-in, and closes an enquiry answered on the spot (即办) at once', async () => {
    const registration = {
      channel: 'visit',
      contact: { name: '陈阿姨', phone: '13812345678' },
      category: 'citizen-request',
      title: '咨询高龄津贴申领',
      description: '来访咨询80岁以上高龄津贴如何申领',
      location: { lng: MARKET[0], lat: MARKET[1] },
    };
    const plain = await api(server.url, '/api/v1/registrations', {
      token: tokens.duty,
      body: registration,
    });
    expect(plain.status).toBe(201);
    const answered = await api(server.url, '/api/v1/registrations', {
      token: tokens.duty,
      body: { ...registration, answer: '已告知携带身份证、户口簿到社区服务站申领' },
    });
    expect(answered.status).toBe(201);
    // A second registration of the same place and kind is its own record, not a duplicate.
    expect(answered.body.incidentId).not.toBe(plain.body.incidentId);

    const asDuty = await api(server.url, `/api/v1/incidents/${answered.body.incidentId}`, {
      token: tokens.duty,
    });
    expect(asDuty.body.incident).toMatchObject({
      source: 'visit',
      state: 'closed',
      resolution: 'immediate',
      contact: { name: '陈阿姨', phone: '13812345678' },
    });
    expect(asDuty.body.incident.timeline.at(-1)).toMatchObject({ action: 'answer' });
    const asLeader = await api(server.url, `/api/v1/incidents/${plain.body.incidentId}`, {
      token: tokens.leader,
    });
    expect(asLeader.body.incident.contact.phone).toBe('138****5678');
    expect(JSON.stringify(asLeader.body)).not.toContain('13812345678');
    // The live stream carries no contact at all.
    const list = await api(server.url, `/api/v1/incidents?limit=500`, { token: tokens.duty });
    expect(JSON.stringify(list.body)).not.toContain('13812345678');

    const byLeader = await api(server.url, '/api/v1/registrations', {
      token: tokens.leader,
      body: registration,
    });
    expect(byLeader.status).toBe(403);
    const bad = await api(server.url, '/api/v1/registrations', {
      token: tokens.duty,
      body: { ...registration, contact: { name: '', phone: 'abc' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path)).toEqual(
      expect.arrayContaining(['contact.name', 'contact.phone']),
    );
  });

  it("takes an operator's video patrol report from a tile: the snapshot, the camera's place, the picture's time", async () => {
    const city = demoCity();
    const camera = city.cameras.find((c) => c.regionId.startsWith('d01-s01-'))!;
    const outside = city.cameras.find((c) => c.regionId.startsWith('d02-'))!;
    const snapshot = await upload(server.url, tokens.operator!, await photo(7));
    const seenAt = new Date(Date.now() - 95_000).toISOString();
    const body = {
      category: 'public-order',
      severity: 'medium',
      title: '视频巡查发现：路口人员聚集',
      description: '约二十人在路口聚集',
      photos: [snapshot],
      seenAt,
    };
    const made = await api(server.url, `/api/v1/cameras/${camera.id}/reports`, {
      token: tokens.operator,
      body,
    });
    expect(made.status).toBe(201);
    const { body: detail } = await api(server.url, `/api/v1/incidents/${made.body.incidentId}`, {
      token: tokens.duty,
    });
    expect(detail.incident).toMatchObject({
      source: 'video-patrol',
      cameraId: camera.id,
      category: 'public-order',
      location: camera.position,
    });
    expect(detail.reports[0]).toMatchObject({ source: 'video-patrol', time: seenAt });
    expect(JSON.stringify(detail.incident.timeline)).toContain(snapshot);
    expect(detail.attachments[snapshot]).toBeDefined();

    const refused = async (token: string, path: string, over: object, status: number) => {
      const res = await api(server.url, path, { token, body: { ...body, ...over } });
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      return res.body.error;
    };
    const at = `/api/v1/cameras/${camera.id}/reports`;
    expect((await refused(tokens.operator!, at, { photos: [] }, 400)).fields[0].path).toBe(
      'photos',
    );
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await refused(tokens.operator!, at, { seenAt: future }, 400)).fields[0].path).toBe(
      'seenAt',
    );
    await refused(tokens.grid!, at, {}, 403);
    await refused(tokens.leader!, at, {}, 403);
    await refused(tokens.operator!, '/api/v1/cameras/no-such-camera/reports', {}, 404);
    const street = await refused(tokens.street!, `/api/v1/cameras/${outside.id}/reports`, {}, 403);
    expect(street.code).toBe('outside_your_area');
  });

  it('shows a grid worker on duty to the screens, and takes a tracking feed for patrols', async () => {
    const client = new LiveClient(server.url, tokens.duty!);
    const seen: WorkerPosition[][] = [];
    client.socket.on('workers', (w) => seen.push(w));
    const patrols: { id: string; position: [number, number] }[][] = [];
    client.socket.on('patrols', (p) => patrols.push(p));
    await client.ready();
    const on = await api(server.url, '/api/v1/field/position', {
      token: tokens.grid,
      body: { lng: MARKET[0], lat: MARKET[1], accuracy: 8 },
    });
    expect(on.status).toBe(204);
    await waitFor(
      () => seen.at(-1)?.some((w) => w.id === gridWorkerId) ?? false,
      5_000,
      'the worker on the map',
    );
    const off = await api(server.url, '/api/v1/field/position', {
      token: tokens.grid,
      method: 'DELETE',
    });
    expect(off.status).toBe(204);
    await waitFor(
      () => seen.at(-1)?.every((w) => w.id !== gridWorkerId) ?? false,
      5_000,
      'the worker off the map',
    );

    const feed = (key: string) =>
      api(server.url, '/api/v1/patrols/positions', {
        token: key,
        body: { positions: [{ id: 'pt-02', position: [112.93, 22.9], status: 'responding' }] },
      });
    expect((await feed('wrong-key')).status).toBe(401);
    expect((await feed(INGEST_KEY)).status).toBe(200);
    await waitFor(
      () => patrols.at(-1)?.some((p) => p.id === 'pt-02' && p.position[0] === 112.93) ?? false,
      5_000,
      'the patrol moved',
    );
    const trail = await api(server.url, '/api/v1/field/trails/patrol:pt-02', {
      token: tokens.duty,
    });
    expect(trail.body.points.at(-1).position).toEqual([112.93, 22.9]);
    client.close();
  });
});
