import { describe, expect, it } from 'vitest';
import { createLogger } from './log.js';

/** A logger of either format writing into an array, one entry per line. */
function capture(readable: boolean) {
  const lines: string[] = [];
  const log = createLogger({
    level: 'info',
    readable,
    colorize: false,
    destination: {
      write: (chunk: string) => void lines.push(...chunk.split('\n').filter(Boolean)),
    },
  });
  return { log, lines };
}

describe('the log', () => {
  it('writes one JSON object a line in production, with level name, ISO time and module', () => {
    const { log, lines } = capture(false);
    const http = log.child({ module: 'http' });
    http.info(
      { reqId: 'r-1', method: 'GET', route: '/api/v1/incidents/:id', status: 200, durationMs: 1.5 },
      'GET /api/v1/incidents/:id 200 1.5 ms',
    );
    http.debug('below the level');
    log.error({ err: new Error('boom') }, 'it failed');
    expect(lines).toHaveLength(2);
    const [request, failure] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(request).toMatchObject({
      level: 'info',
      module: 'http',
      reqId: 'r-1',
      route: '/api/v1/incidents/:id',
      status: 200,
      durationMs: 1.5,
      msg: 'GET /api/v1/incidents/:id 200 1.5 ms',
    });
    expect(new Date(request!.time as string).toISOString()).toBe(request!.time);
    expect(failure).toMatchObject({ level: 'error', msg: 'it failed', err: { message: 'boom' } });
  });

  it('writes readable lines in the demo', () => {
    const { log, lines } = capture(true);
    log.child({ module: 'main' }).info('city-brain listening on http://127.0.0.1:8080');
    log.warn({ cameraId: 'cam-0001' }, 'a camera went offline');
    expect(lines[0]).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[main\] city-brain listening on http:\/\/127\.0\.0\.1:8080$/,
    );
    expect(lines[1]).toMatch(/^\[[\d:.]+\] WARN: a camera went offline \{"cameraId":"cam-0001"\}$/);
  });

  it('censors secrets in logged objects, in both formats', () => {
    for (const readable of [false, true]) {
      const { log, lines } = capture(readable);
      log.info(
        {
          password: 'pw-top-secret',
          user: { name: 'duty', password: 'pw-nested-secret', token: 'tok-nested-secret' },
          req: { headers: { authorization: 'Bearer auth-secret', cookie: 'sid=cookie-secret' } },
          headers: { authorization: 'Basic basic-secret' },
          streams: { tokenSecret: 'stream-secret', demoOrigin: { port: 8090 } },
          err: Object.assign(new Error('bad body'), { body: '{"password":"body-secret"}' }),
          route: '/api/v1/auth/login',
        },
        'something happened',
      );
      const text = lines.join('\n');
      for (const secret of [
        'pw-top-secret',
        'pw-nested-secret',
        'tok-nested-secret',
        'auth-secret',
        'cookie-secret',
        'basic-secret',
        'stream-secret',
        'body-secret',
      ]) {
        expect(text, `${secret} (readable: ${readable})`).not.toContain(secret);
      }
      expect(text).toContain('[redacted]');
      // What is not a secret stays.
      expect(text).toContain('/api/v1/auth/login');
      expect(text).toContain('duty');
    }
  });
});
