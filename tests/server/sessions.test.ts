import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  LiveClient,
  login,
  startTestServer,
  waitFor,
  type TestServer,
} from '../support/server.js';

/** Sessions and logins, each refusal tested beside its allowance, on a real server. */
describe('logins that resist guessing', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.stop());

  const tryLogin = (username: string, password: string) =>
    fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });

  it('meets 30 wrong passwords with 429 and Retry-After, even the right one while locked', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 30; i++) {
      const res = await tryLogin('operator', `wrong-${i}`);
      statuses.push(res.status);
      if (res.status === 429) retryAfter ??= res.headers.get('retry-after');
      const body = (await res.json()) as { error: { code: string } };
      expect(body.error.code).toBe(res.status === 429 ? 'login_throttled' : 'login_failed');
    }
    // Ten wrong passwords are answered as wrong; from then on the account waits.
    expect(statuses.slice(0, 9).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThan(60);
    const right = await tryLogin('operator', 'citybrain-demo');
    expect(right.status).toBe(429);
    // Another account from the same address is not locked by it.
    expect((await tryLogin('leader', 'citybrain-demo')).status).toBe(200);
  });

  it('locks a username that does not exist just as it locks one that does', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await tryLogin('nobody-here', `x-${i}`)).status);
    expect(statuses.slice(0, 9)).toEqual(Array(9).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('counts a burst of parallel guesses like guesses in a row', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => tryLogin('duty', `parallel-${i}`).then((r) => r.status)),
    );
    // However many are in flight at once, no more than ten passwords of one name are checked.
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(20);
    expect((await tryLogin('duty', 'citybrain-demo')).status).toBe(429);
  });

  it('counts refused logins in the metrics', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    // Without a metrics token only this host reads them, not a client through a proxy here.
    const proxied = await fetch(`${server.url}/metrics`, {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(proxied.status).toBe(403);
    expect(text).toMatch(/citybrain_logins_total\{result="login_throttled"\} [1-9]/);
    expect(text).toMatch(/citybrain_logins_total\{result="ok"\} [1-9]/);
  });
});

describe('sessions that end everywhere at once', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.stop());

  it('disconnects the sockets of a session at logout, and refuses its token afterwards', async () => {
    const token = await login(server.url, 'duty');
    const other = await login(server.url, 'duty');
    const client = new LiveClient(server.url, token);
    const stays = new LiveClient(server.url, other);
    await Promise.all([client.ready(), stays.ready()]);
    const disconnected = new Promise<number>((resolve) =>
      client.socket.once('disconnect', () => resolve(Date.now())),
    );
    const loggedOut = Date.now();
    expect((await api(server.url, '/api/v1/auth/logout', { token, method: 'POST' })).status).toBe(
      204,
    );
    // Ended by the logout itself: a bound loose enough that a loaded machine cannot miss it.
    expect((await disconnected) - loggedOut).toBeLessThan(5_000);
    expect((await api(server.url, '/api/v1/auth/me', { token })).status).toBe(401);
    // The same user's other session is another session: it stays.
    expect(stays.socket.connected).toBe(true);
    expect((await api(server.url, '/api/v1/auth/me', { token: other })).status).toBe(200);
    client.close();
    stays.close();
  });

  it('refuses a socket command once its session has ended, and ends the socket', async () => {
    const token = await login(server.url, 'duty');
    const client = new LiveClient(server.url, token);
    await client.ready();
    // The session goes behind the hub's back (as a row deleted by another process would):
    // the next command finds out by itself.
    const sessionHash = [...server.hub.io.sockets.sockets.values()].find(
      (s) => s.data.principal.id === 'duty',
    )!.data.principal.sessionHash!;
    (server.auth as unknown as { live: Map<string, unknown> }).live.delete(sessionHash);
    const result = await client.socket.emitWithAck('wall:push', {
      target: 'all',
      command: { kind: 'layout', layout: 4 },
    });
    expect(result).toMatchObject({ ok: false, status: 401, error: { code: 'session_ended' } });
    await waitFor(() => !client.socket.connected, 2_000, 'the socket to be ended');
    client.close();
  });
});

describe('a session past its lifetime', () => {
  let server: TestServer;
  beforeAll(async () => {
    // 3.6 seconds.
    server = await startTestServer({ env: { SESSION_TTL_HOURS: '0.001' } });
  });
  afterAll(() => server?.stop());

  it('loses its socket once it expires, not before and not minutes later', async () => {
    const res = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'duty', password: 'citybrain-demo' }),
    });
    const { token, expiresAt } = (await res.json()) as { token: string; expiresAt: string };
    const client = new LiveClient(server.url, token);
    await client.ready();
    const at = await new Promise<number>((resolve) =>
      client.socket.once('disconnect', () => resolve(Date.now())),
    );
    expect(at - Date.parse(expiresAt)).toBeGreaterThanOrEqual(0);
    // The server looks for expired sessions every half second; a bound of 5 s is loose enough
    // that a loaded machine cannot miss it, and fails a sweep left to run once a minute.
    expect(at - Date.parse(expiresAt)).toBeLessThan(5_000);
    expect((await api(server.url, '/api/v1/auth/me', { token })).status).toBe(401);
    client.close();
  });
});
