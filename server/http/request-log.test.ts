import type { AddressInfo } from 'node:net';
import express, { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../http-error.js';
import { createLogger } from '../log.js';
import { Metrics } from '../metrics.js';
import { requestLog } from './request-log.js';

const lines: Record<string, unknown>[] = [];
const metrics = new Metrics();
const log = createLogger({
  level: 'debug',
  readable: false,
  destination: {
    write: (chunk: string) =>
      void lines.push(
        ...chunk
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      ),
  },
});

let server: ReturnType<typeof express.application.listen>;
let url = '';

beforeAll(async () => {
  const app = express();
  app.use(requestLog(metrics, log));
  // A gate on a list of paths, like the intake's key check: refused before the body is read.
  app.post(['/api/v1/reports', '/api/v1/reports/batch'], () => {
    throw new HttpError(401, 'unknown key');
  });
  const incidents = Router();
  // A router-level check, like requireUser: it refuses before any route matches.
  incidents.use((req, _res, next) => {
    if (req.headers.authorization !== 'Bearer session-secret-token') {
      throw new HttpError(401, 'log in first');
    }
    req.principal = { id: 'duty', name: '值班员', role: 'duty' };
    next();
  });
  incidents.get('/', (_req, res) => void res.json([]));
  incidents.get('/:id', (req, res) => {
    if (req.params.id === 'broken') throw new HttpError(400, 'bad id');
    res.json({ id: req.params.id });
  });
  app.use('/api/v1/incidents', incidents);
  app.use('/api', (_req, res) => void res.status(404).json({ error: 'no such API route' }));
  app.use(((err, _req, res, _next) => {
    res.status((err as HttpError).status ?? 500).json({ error: 'refused' });
  }) as express.ErrorRequestHandler);
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
  const res = await fetch(`${url}${path}`, { headers, method });
  await res.arrayBuffer();
  const id = res.headers.get('x-request-id')!;
  // The line is written when the response closes, which may be just after the client has it.
  for (let i = 0; i < 100 && !lines.some((l) => l.reqId === id); i++) {
    await new Promise((r) => setTimeout(r, 5));
  }
  const mine = lines.filter((l) => l.reqId === id);
  expect(mine, `the lines of ${path}`).toHaveLength(1);
  return { status: res.status, id, line: mine[0]! };
}

describe('the request log', () => {
  it('logs the route pattern, status, duration and user, never the URL', async () => {
    const { line, status } = await get('/api/v1/incidents/INC-42?token=stream-token-secret', {
      authorization: 'Bearer session-secret-token',
    });
    expect(status).toBe(200);
    expect(line).toMatchObject({
      level: 'info',
      method: 'GET',
      route: '/api/v1/incidents/:id',
      status: 200,
      user: 'duty',
    });
    expect(line.durationMs).toEqual(expect.any(Number));
    const text = JSON.stringify(lines);
    for (const secret of ['stream-token-secret', 'session-secret-token', 'INC-42']) {
      expect(text).not.toContain(secret);
    }
  });

  it('names the route of a refusal raised in the handler or before any route matched', async () => {
    const refused = await get('/api/v1/incidents/broken', {
      authorization: 'Bearer session-secret-token',
    });
    expect(refused.line).toMatchObject({ route: '/api/v1/incidents/:id', status: 400 });
    const anonymous = await get('/api/v1/incidents/INC-1');
    expect(anonymous.line).toMatchObject({ route: '/api/v1/incidents/*', status: 401 });
    expect(anonymous.line).not.toHaveProperty('user');
    const unknown = await get('/api/v2/nothing');
    expect(unknown.line).toMatchObject({ route: '/api/*', status: 404 });
    const list = await get('/api/v1/incidents?limit=5', {
      authorization: 'Bearer session-secret-token',
    });
    expect(list.line).toMatchObject({ route: '/api/v1/incidents', status: 200 });
    const gated = await get('/api/v1/reports/batch', {}, 'POST');
    expect(gated.line).toMatchObject({ route: '/api/v1/reports/batch', status: 401 });
  });

  it('keeps a sane X-Request-Id, replaces any other, and sends it back', async () => {
    const kept = await get('/api/v1/incidents/INC-1', { 'x-request-id': 'lb-7f3a:0001' });
    expect(kept.id).toBe('lb-7f3a:0001');
    const replaced = await get('/api/v1/incidents/INC-1', { 'x-request-id': 'a"b\\c' });
    expect(replaced.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    const long = await get('/api/v1/incidents/INC-1', { 'x-request-id': 'x'.repeat(65) });
    expect(long.id).not.toBe('x'.repeat(65));
  });

  it('observes every request in the HTTP histogram by route pattern', async () => {
    const text = await metrics.render();
    expect(text).toMatch(
      /^citybrain_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/incidents\/:id",status="200"\} \d+$/m,
    );
    expect(text).toContain('route="/api/v1/incidents/*",status="401"');
    expect(text).not.toContain('INC-');
  });
});
