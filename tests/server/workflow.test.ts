import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentSummary } from '../../shared/index.js';
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

let server: TestServer;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  server = await startTestServer();
  for (const user of ['duty', 'operator', 'leader']) tokens[user] = await login(server.url, user);
});
afterAll(() => server.stop());

const act = (id: string, body: unknown, token = tokens.duty) =>
  api(server.url, `/api/v1/incidents/${id}/actions`, { token, body });

async function newIncident(): Promise<string> {
  return (await postReport(server.url, report({ category: 'citizen-request' }))).body.incidentId;
}

describe('workflow over REST', () => {
  it('works an incident from reported to evaluated, recording each step in the timeline', async () => {
    const id = await newIncident();
    const [mediation, housing] = demoCity().departments;
    const steps = [
      { action: 'accept' },
      { action: 'dispatch', departmentId: mediation!.id },
      { action: 'return', departmentId: mediation!.id, comment: '不属于本部门职责' },
      { action: 'whistle', departmentIds: [mediation!.id, housing!.id], comment: '多部门联合处置' },
      { action: 'respond', departmentId: mediation!.id },
      { action: 'respond', departmentId: housing!.id },
      { action: 'report', departmentId: mediation!.id, comment: '已调解' },
      { action: 'report', departmentId: housing!.id, comment: '已整改' },
      { action: 'close' },
      { action: 'evaluate', rating: 5, comment: '满意' },
    ];
    let version = 1;
    for (const step of steps) {
      const res = await act(id, { ...step, version });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      version = res.body.incident.version;
    }
    const { body } = await api(server.url, `/api/v1/incidents/${id}`, { token: tokens.leader });
    expect(body.incident).toMatchObject({ state: 'evaluated', rating: 5, deadline: null });
    expect(body.incident.timeline.map((e: { action: string }) => e.action)).toEqual([
      'created',
      ...steps.map((s) => s.action),
    ]);
    expect(body.incident.timeline[1]).toMatchObject({
      actor: { id: 'duty', role: 'duty' },
      from: 'reported',
      to: 'accepted',
    });
    expect(body.incident.timeline[3].comment).toBe('不属于本部门职责');
  });

  it('answers an illegal transition with 409 and the reason', async () => {
    const id = await newIncident();
    const res = await act(id, { action: 'close', version: 1 });
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({
      code: 'action_not_allowed_in_state',
      message: 'cannot close an incident that is reported',
    });
  });

  it('answers an action against a stale version with 409, so two officers never overwrite each other', async () => {
    const id = await newIncident();
    const first = await act(id, { action: 'accept', version: 1 });
    expect(first.status).toBe(200);
    const second = await act(id, { action: 'reject', version: 1, comment: '重复' });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('stale_version');
    expect(second.body.error.message).toMatch(/changed since you saw it/);
  });

  it('refuses unknown departments and malformed actions with 400, and unknown incidents with 404', async () => {
    const id = await newIncident();
    await act(id, { action: 'accept', version: 1 });
    const unknown = await act(id, { action: 'dispatch', version: 2, departmentId: 'nobody' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({
      code: 'unknown_department',
      fields: [{ path: 'departmentId', message: 'no department nobody' }],
    });
    const malformed = await act(id, { action: 'evaluate', version: 2, rating: 9 });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({
      code: 'invalid_fields',
      fields: [{ path: 'rating' }],
    });
    const missing = await act('INC-0', { action: 'accept', version: 1 });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('incident_not_found');
  });

  it('lists incidents with filters', async () => {
    const id = await newIncident();
    const res = await api(
      server.url,
      '/api/v1/incidents?state=reported&category=citizen-request&limit=500',
      { token: tokens.leader },
    );
    expect(res.status).toBe(200);
    expect(res.body.incidents.some((i: IncidentSummary) => i.id === id)).toBe(true);
    expect(
      res.body.incidents.every(
        (i: IncidentSummary) => i.state === 'reported' && i.category === 'citizen-request',
      ),
    ).toBe(true);
    const bad = await api(server.url, '/api/v1/incidents?state=lost', { token: tokens.leader });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_fields', fields: [{ path: 'state.0' }] });
  });
});

describe('roles, on REST and on the socket', () => {
  it('lets only the duty officer act on incidents over REST', async () => {
    const id = await newIncident();
    for (const user of ['leader', 'operator']) {
      const res = await act(id, { action: 'accept', version: 1 }, tokens[user]);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('role_may_not_act');
      expect(res.body.error.message).toContain(user);
    }
    for (const token of ['forged-token', '']) {
      const refused = await act(id, { action: 'accept', version: 1 }, token);
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe('unauthenticated');
    }
    expect((await act(id, { action: 'accept', version: 1 })).status).toBe(200);
  });

  it('relays a push to the wall from duty and operator, never from the leader', async () => {
    const wall = new LiveClient(server.url, 'demo-wall-device-token');
    const pushes: unknown[] = [];
    wall.socket.on('wall', (p) => pushes.push(p));
    const desks = Object.fromEntries(
      ['leader', 'duty'].map((u) => [u, new LiveClient(server.url, tokens[u]!)]),
    );
    await Promise.all([wall, ...Object.values(desks)].map((c) => c.ready()));
    const push = (user: string, command: unknown) =>
      desks[user]!.socket.timeout(5000).emitWithAck('wall:push', {
        target: 'all',
        command,
      } as never);
    expect(await push('leader', { kind: 'layout', layout: 4 })).toMatchObject({
      ok: false,
      status: 403,
      error: { code: 'role_forbidden' },
    });
    expect(await push('duty', { kind: 'layout', layout: 5 })).toMatchObject({
      ok: false,
      status: 400,
      error: { code: 'invalid_fields', fields: [{ path: 'command.layout' }] },
    });
    expect(await push('duty', { kind: 'region', regionId: 'd01' })).toMatchObject({ ok: true });
    await waitFor(() => pushes.length === 1);
    expect(pushes[0]).toMatchObject({
      target: 'all',
      command: { kind: 'region', regionId: 'd01' },
      by: '值班员 李明',
    });
    [wall, ...Object.values(desks)].forEach((c) => c.close());
  });

  it('refuses a socket without a valid token', async () => {
    const client = new LiveClient(server.url, 'forged-token');
    await waitFor(() => client.errors.length > 0);
    expect(client.errors[0]).toMatch(/unauthorized/);
    expect(client.snapshots).toHaveLength(0);
    client.close();
  });

  it('needs a login for reads, and forgets a session on logout', async () => {
    expect((await api(server.url, '/api/v1/incidents')).status).toBe(401);
    expect((await api(server.url, '/api/v1/cameras')).status).toBe(401);
    const token = await login(server.url, 'leader');
    expect((await api(server.url, '/api/v1/cameras', { token })).status).toBe(200);
    expect((await api(server.url, '/api/v1/auth/logout', { token, method: 'POST' })).status).toBe(
      204,
    );
    expect((await api(server.url, '/api/v1/cameras', { token })).status).toBe(401);
    expect(
      (
        await api(server.url, '/api/v1/auth/login', {
          body: { username: 'duty', password: 'guess' },
        })
      ).status,
    ).toBe(401);
  });

  it('accepts the wall device token as an operator', async () => {
    const res = await api(server.url, '/api/v1/auth/me', { token: 'demo-wall-device-token' });
    expect(res.body).toMatchObject({ role: 'operator' });
  });
});
