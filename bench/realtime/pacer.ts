import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Histogram } from './histogram.js';

export interface PacerOptions {
  url: string;
  path: string;
  headers: Record<string, string>;
  rate: number;
  /** How many requests, n = 0..count-1, request n due at start + n/rate. */
  count: number;
  /** Most requests in flight at once; a request past it waits and counts as lag. */
  concurrency: number;
  agent: Agent;
  /** The body of the n-th request of this pacing run, built at the moment it is sent. */
  body: (n: number, sentAt: number) => unknown;
}

export interface PacerResult {
  sent: number;
  /** By HTTP status ('error' for a request that failed outright). */
  statuses: Record<string, number>;
  /** By `result` in the answer (created / attached / duplicate). */
  results: Record<string, number>;
  /** How late each send was against the open-loop schedule. */
  lag: Histogram;
  /** Round trip of each POST. */
  response: Histogram;
  firstError: string | undefined;
  /** Requests (n) not answered 2xx: their reports never reached the stream. */
  failed: number[];
  elapsedMs: number;
}

const now = () => performance.timeOrigin + performance.now();

export function keepAliveAgent(concurrency: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
}

/**
 * Open-loop load: request n is due at start + n/rate whatever happened to earlier ones; only the
 * in-flight bound holds a request back, and then its lateness is recorded.
 */
export function pace(o: PacerOptions): Promise<PacerResult> {
  const total = o.count;
  const interval = 1000 / o.rate;
  const result: PacerResult = {
    sent: 0,
    statuses: {},
    results: {},
    lag: new Histogram(),
    response: new Histogram(),
    firstError: undefined,
    failed: [],
    elapsedMs: 0,
  };
  const target = new URL(o.path, o.url);
  return new Promise((resolve) => {
    const start = now();
    let inFlight = 0;
    let done = 0;
    let timer: NodeJS.Timeout | undefined;
    const finishOne = (n: number, status: string, answer: string, sentAt: number) => {
      inFlight -= 1;
      done += 1;
      result.response.record(now() - sentAt);
      result.statuses[status] = (result.statuses[status] ?? 0) + 1;
      if (status.startsWith('2')) {
        try {
          const r = (JSON.parse(answer) as { result?: string }).result ?? 'ok';
          result.results[r] = (result.results[r] ?? 0) + 1;
        } catch {
          result.results.unparsable = (result.results.unparsable ?? 0) + 1;
        }
      } else {
        result.firstError ??= `${status} ${answer.slice(0, 200)}`;
        result.failed.push(n);
      }
      if (done === total) {
        clearTimeout(timer);
        result.elapsedMs = now() - start;
        resolve(result);
      } else {
        tick();
      }
    };
    const sendOne = (n: number) => {
      const sentAt = now();
      result.lag.record(sentAt - (start + n * interval));
      const payload = JSON.stringify(o.body(n, sentAt));
      inFlight += 1;
      result.sent += 1;
      const req = request(
        target,
        {
          method: 'POST',
          agent: o.agent,
          headers: {
            ...o.headers,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (res) => {
          let answer = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (answer += chunk));
          res.on('end', () => finishOne(n, String(res.statusCode), answer, sentAt));
          res.on('error', (err) => finishOne(n, 'error', err.message, sentAt));
        },
      );
      req.on('error', (err) => finishOne(n, 'error', err.message, sentAt));
      req.end(payload);
    };
    let next = 0;
    const tick = () => {
      clearTimeout(timer);
      timer = undefined;
      const t = now();
      while (next < total && inFlight < o.concurrency && start + next * interval <= t) {
        sendOne(next++);
      }
      if (next < total && inFlight < o.concurrency) {
        timer = setTimeout(tick, Math.max(0, start + next * interval - now()));
      }
    };
    if (total === 0) resolve(result);
    else tick();
  });
}
