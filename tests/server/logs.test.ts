// The server's log as an operator reads it: a real server process in demo mode (readable lines),
// driven through logins, intake, streams, a wall and a wrong route. No secret may appear in any
// line, and each API request that went through Express has exactly one line, with its request
// id, route pattern, status and duration. The JSON format is tested in server/log.test.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_INGEST_KEY,
  DEMO_PASSWORD,
  DEMO_WALL_TOKEN,
} from '../../server/auth/demo-credentials.js';
import { hashPassword } from '../../server/auth/passwords.js';
import { StreamsConfigSchema } from '../../server/streams/config.js';
import { demoCity, LiveClient, report, waitFor } from '../support/server.js';

const SECRETS = {
  INGEST_KEY: 'ingest-key-logs-test-9f3KqL2m',
  WALL_TOKEN: 'wall-token-logs-test-Vb81xPz0',
  STREAM_TOKEN_SECRET: 'stream-secret-logs-test-4c2d8e6f0a1b3c5d7e9f',
  METRICS_TOKEN: 'metrics-token-logs-test-Hq7wY3',
};
/**
 * A centre's own user: with a key and a wall token configured, the demo's published accounts
 * are left out (server/auth/accounts.ts), so the demo password is refused like any wrong one.
 */
const USER = { username: 'zhang.wei', password: 'user-password-logs-test-Qm2Lp8' };
const WRONG_PASSWORD = 'wrong-password-logs-test-Zt5Ru';
const WRONG_INGEST_KEY = 'wrong-ingest-key-logs-test-Pn4Ds';
/** The demo camera origin's basic-auth password, which the server sends upstream. */
const ORIGIN = StreamsConfigSchema.parse({}).demoOrigin;
const ORIGIN_PASSWORD = ORIGIN.password;
/** The same, as the Basic authorization it travels in. */
const ORIGIN_BASIC = Buffer.from(`${ORIGIN.username}:${ORIGIN.password}`).toString('base64');

const temp = mkdtempSync(join(tmpdir(), 'citybrain-logs-'));
const dataDir = join(temp, 'data');
const configFile = join(temp, 'config.json');
let child: ChildProcess | undefined;
let output = '';
let url = '';

beforeAll(async () => {
  mkdirSync(dataDir);
  const users = [
    {
      username: USER.username,
      name: '张伟',
      role: 'duty',
      passwordHash: hashPassword(USER.password, 1024),
    },
  ];
  writeFileSync(configFile, JSON.stringify({ users }));
  child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    // Only what the test names: LOG_LEVEL or the like from the developer's shell stays out.
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      CONFIG_FILE: configFile,
      DEMO: 'true',
      DEMO_ORIGIN_PORT: '0',
      // The simulator runs, on a fresh store with no past to make first.
      DEMO_HISTORY_DAYS: '0',
      ...SECRETS,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = child;
  url = await new Promise<string>((resolve, reject) => {
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /listening on (http:\/\/\S+?):? /.exec(output);
      if (m) resolve(m[1]!);
    };
    proc.stdout!.on('data', seen);
    proc.stderr!.on('data', seen);
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}, 60_000);

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(temp, { recursive: true, force: true });
});

/** Stops the server and returns everything it wrote, stdout and stderr. */
async function stopped(): Promise<string> {
  const proc = child!;
  const exited = new Promise<number | null>((resolve) => proc.on('close', resolve));
  proc.kill('SIGTERM');
  expect(await exited).toBe(0);
  child = undefined;
  return output;
}

async function call(
  path: string,
  options: {
    id: string;
    method?: string;
    token?: string;
    json?: unknown;
    gzip?: boolean;
  },
): Promise<{ status: number; body: any; requestId: string | null }> {
  const headers: Record<string, string> = { 'x-request-id': options.id };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
    if (options.gzip) {
      // A compressed body leaves the intake fast path for Express, where requests are logged.
      body = new Uint8Array(gzipSync(body));
      headers['content-encoding'] = 'gzip';
    }
  }
  const res = await fetch(`${url}${path}`, {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // a playlist or the metrics text
  }
  return { status: res.status, body: parsed, requestId: res.headers.get('x-request-id') };
}

describe('the log of a demo server', () => {
  it('has a line per API request and no secret in any line', { timeout: 60_000 }, async () => {
    /** Request id -> what its one line must say. */
    const expected = new Map<string, { route: string; status: number; user?: string }>();
    const expect1 = (id: string, route: string, status: number, user?: string) =>
      expected.set(id, { route, status, ...(user ? { user } : {}) });

    const login = await call('/api/v1/auth/login', {
      id: 'logs-login-ok',
      json: USER,
    });
    expect(login.status).toBe(200);
    expect(login.requestId).toBe('logs-login-ok');
    const session = login.body.token as string;
    expect(session).toBeTruthy();
    expect1('logs-login-ok', '/api/v1/auth/login', 200);

    const failed = await call('/api/v1/auth/login', {
      id: 'logs-login-wrong',
      json: { username: USER.username, password: WRONG_PASSWORD },
    });
    expect(failed.status).toBe(401);
    expect1('logs-login-wrong', '/api/v1/auth/login', 401);
    const demo = await call('/api/v1/auth/login', {
      id: 'logs-login-demo',
      json: { username: 'duty', password: DEMO_PASSWORD },
    });
    expect(demo.status).toBe(401);
    expect1('logs-login-demo', '/api/v1/auth/login', 401);

    const me = await call('/api/v1/auth/me', { id: 'logs-me', token: session });
    expect(me.status).toBe(200);
    expect1('logs-me', '/api/v1/auth/me', 200, USER.username);

    // Intake on the fast path (not logged request by request) and through Express (logged).
    const fast = await call('/api/v1/reports', {
      id: 'logs-intake-fast',
      token: SECRETS.INGEST_KEY,
      json: report(),
    });
    expect(fast.status).toBeLessThan(300);
    const fastWrong = await call('/api/v1/reports', {
      id: 'logs-intake-fast-wrong',
      token: WRONG_INGEST_KEY,
      json: report(),
    });
    expect(fastWrong.status).toBe(401);
    const slow = await call('/api/v1/reports', {
      id: 'logs-intake-express',
      token: SECRETS.INGEST_KEY,
      json: report(),
      gzip: true,
    });
    expect(slow.status).toBeLessThan(300);
    expect1('logs-intake-express', '/api/v1/reports', slow.status);
    const slowWrong = await call('/api/v1/reports', {
      id: 'logs-intake-express-wrong',
      token: WRONG_INGEST_KEY,
      json: report(),
      gzip: true,
    });
    expect(slowWrong.status).toBe(401);
    expect1('logs-intake-express-wrong', '/api/v1/reports', 401);

    // A stream URL, then its playlist with the token in the query (the stream fast path).
    const camera = demoCity().cameras[0]!.id;
    const stream = await call(`/api/v1/cameras/${camera}/stream`, {
      id: 'logs-stream-url',
      method: 'POST',
      token: session,
    });
    expect(stream.status).toBe(200);
    expect1('logs-stream-url', '/api/v1/cameras/:id/stream', 200, USER.username);
    const streamUrl = stream.body.url as string;
    const streamToken = new URL(streamUrl, url).searchParams.get('token')!;
    expect(streamToken).toBeTruthy();
    const playlist = await call(streamUrl, { id: 'logs-playlist' });
    expect(playlist.status).toBe(200);
    // A wrong token is refused on the fast path, its query shown nowhere.
    const wrongStream = await call(`/streams/${camera}/index.m3u8?token=${streamToken}x`, {
      id: 'logs-playlist-wrong',
    });
    expect(wrongStream.status).toBeGreaterThanOrEqual(400);

    // A wall: REST with its device token, and its socket.
    const cameras = await call('/api/v1/cameras', { id: 'logs-wall', token: SECRETS.WALL_TOKEN });
    expect(cameras.status).toBe(200);
    expect1('logs-wall', '/api/v1/cameras', 200, 'device:env');
    const wall = new LiveClient(url, SECRETS.WALL_TOKEN);
    await wall.ready();
    wall.close();

    // Refusals: no such API route (a secret in its query; signed in, as /api/v1/ asks of
    // everything but login and intake), and no token at all.
    const missing = await call(`/api/v1/no-such-route?token=${SECRETS.STREAM_TOKEN_SECRET}`, {
      id: 'logs-404',
      token: session,
    });
    expect(missing.status).toBe(404);
    expect1('logs-404', '/api/v1/*', 404, USER.username);
    const anonymous = await call('/api/v1/incidents', { id: 'logs-401' });
    expect(anonymous.status).toBe(401);
    expect1('logs-401', '/api/v1/incidents/*', 401);

    // An id that is not sane is replaced, and the replacement is sent back and logged.
    const insane = await call('/api/v1/client-config', { id: 'no spaces\tor tabs' });
    expect(insane.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect1(insane.requestId!, '/api/v1/client-config', 200);

    const metrics = await call('/metrics', { id: 'logs-metrics', token: SECRETS.METRICS_TOKEN });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('citybrain_http_request_duration_seconds_bucket{');

    // Everything the server will write about these requests is written by the time it stops.
    await waitFor(() => output.includes(insane.requestId!), 5_000, 'the last request line');
    const log = await stopped();
    const lines = log.split('\n');

    const secrets: Record<string, string> = {
      ...SECRETS,
      USER_PASSWORD: USER.password,
      DEMO_PASSWORD,
      WRONG_PASSWORD,
      WRONG_INGEST_KEY,
      DEMO_INGEST_KEY,
      DEMO_WALL_TOKEN,
      ORIGIN_PASSWORD,
      ORIGIN_BASIC,
      session,
      streamToken,
    };
    for (const [name, secret] of Object.entries(secrets)) {
      expect.soft(log.includes(secret), `${name} (${secret}) in the log`).toBe(false);
    }
    // No query string at all: a URL's query is where stream tokens travel.
    expect(log).not.toMatch(/\?token=/);

    for (const [id, want] of expected) {
      const mine = lines.filter((l) => l.includes(`"reqId":"${id}"`));
      expect(mine, `the lines of ${id}`).toHaveLength(1);
      const line = mine[0]!;
      // The readable demo form: time, level, module, then "METHOD route status N ms".
      expect(line).toMatch(
        new RegExp(
          `^\\[\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] (INFO|WARN|ERROR): \\[http\\] [A-Z]+ ${escape(want.route)} ${want.status} [\\d.]+ ms `,
        ),
      );
      expect(line).toContain(`"reqId":"${id}"`);
      expect(line).toContain(`"route":"${want.route}"`);
      expect(line).toContain(`"status":${want.status}`);
      expect(line).toMatch(/"durationMs":[\d.]+/);
      if (want.user) expect(line).toContain(`"user":"${want.user}"`);
    }
    // The fast paths log only their failures, and the metrics scrape is quiet at info.
    for (const id of ['logs-intake-fast', 'logs-playlist', 'logs-metrics']) {
      expect(lines.filter((l) => l.includes(`"${id}"`))).toEqual([]);
    }
    // Readable lines, not JSON, in the demo.
    expect(lines.filter((l) => l.startsWith('{'))).toEqual([]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
