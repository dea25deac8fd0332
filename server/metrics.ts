import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Latency buckets, in seconds, shared by every histogram here: a store commit takes a fraction
 * of a millisecond and a slow HTTP answer seconds, and one set keeps them comparable on a board.
 */
const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/**
 * Methods kept as a label value as they are; anything else is `other`, so a client sending
 * made-up methods cannot grow the series without bound.
 */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The status recorded for a response that never finished (the client went away first): nginx's
 * "client closed request", so a dashboard tells it apart from anything the server answered.
 */
export const CLIENT_CLOSED = 499;

/**
 * Commits remembered for the fan-out latency until their deltas are broadcast. Only a server
 * without a hub (a harness, a benchmark of one module) would leave them unclaimed; past this
 * the oldest are forgotten, so such a process does not grow.
 */
const MAX_UNBROADCAST_COMMITS = 100_000;

/**
 * The server's Prometheus metrics (GET /metrics), on prom-client with a registry of its own:
 * tests and benchmarks run several servers in one process, each with its own figures. Callers
 * name a series where they count it (`count`, `gauge`, `observe`, `time`); it is created on first
 * use with the label names of that first call, which every later call must keep.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly counters = new Map<string, Counter>();
  private readonly gauges = new Map<string, Gauge>();
  private readonly histograms = new Map<string, Histogram>();
  private readonly http: Histogram<'method' | 'route' | 'status'>;
  private readonly fanout: Histogram;
  /** Commits not yet broadcast, oldest first: the last seq of each, its deltas, and when. */
  private commits: { seq: number; deltas: number; at: number }[] = [];
  private commitsHead = 0;

  constructor() {
    // Event-loop lag, heap, CPU, GC, handles: what tells a slow server from a busy one.
    collectDefaultMetrics({ register: this.registry });
    this.http = new Histogram({
      name: 'citybrain_http_request_duration_seconds',
      help: 'HTTP requests, from arrival to the last byte of the answer, by route pattern',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers: [this.registry],
    });
    this.fanout = new Histogram({
      name: 'citybrain_fanout_latency_seconds',
      help: "time from a delta's commit to its broadcast to the live sockets",
      buckets: LATENCY_BUCKETS,
      registers: [this.registry],
    });
  }

  count(name: string, help: string, by = 1, labels: Record<string, string> = {}): void {
    let counter = this.counters.get(name);
    if (!counter) {
      counter = new Counter({
        name,
        help,
        labelNames: Object.keys(labels),
        registers: [this.registry],
      });
      this.counters.set(name, counter);
    }
    counter.inc(labels, by);
  }

  gauge(name: string, help: string, value: number, labels: Record<string, string> = {}): void {
    let gauge = this.gauges.get(name);
    if (!gauge) {
      gauge = new Gauge({
        name,
        help,
        labelNames: Object.keys(labels),
        registers: [this.registry],
      });
      this.gauges.set(name, gauge);
    }
    gauge.set(labels, value);
  }

  /** Records a duration in seconds into a histogram (its `_count` and `_sum` included). */
  observe(name: string, help: string, seconds: number): void {
    let histogram = this.histograms.get(name);
    if (!histogram) {
      histogram = new Histogram({
        name,
        help,
        buckets: LATENCY_BUCKETS,
        registers: [this.registry],
      });
      this.histograms.set(name, histogram);
    }
    histogram.observe(seconds);
  }

  /** Times an async operation into a histogram. */
  async time<T>(name: string, help: string, run: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await run();
    } finally {
      this.observe(name, help, (performance.now() - start) / 1000);
    }
  }

  /** One HTTP request: `route` is its pattern (`/api/v1/incidents/:id`), never the raw URL. */
  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.http.observe(
      { method: METHODS.has(method) ? method : 'other', route, status: String(status) },
      seconds,
    );
  }

  /**
   * Observes a request that the server answers outside Express (the stream and intake fast
   * paths) once its response is done; `start` is `performance.now()` at its arrival.
   */
  timeResponse(req: IncomingMessage, res: ServerResponse, route: string, start: number): void {
    res.once('close', () =>
      this.observeHttp(
        req.method ?? 'other',
        route,
        res.writableFinished ? res.statusCode : CLIENT_CLOSED,
        (performance.now() - start) / 1000,
      ),
    );
  }

  /** A commit's deltas, just made durable: their fan-out latency starts now. */
  committed(deltas: readonly { seq: number }[]): void {
    if (!deltas.length) return;
    this.commits.push({ seq: deltas.at(-1)!.seq, deltas: deltas.length, at: performance.now() });
    if (this.commits.length - this.commitsHead > MAX_UNBROADCAST_COMMITS) this.commitsHead++;
    this.compactCommits();
  }

  /** Every delta up to `seq` has just been broadcast: one observation each. */
  broadcast(seq: number): void {
    const now = performance.now();
    while (this.commitsHead < this.commits.length && this.commits[this.commitsHead]!.seq <= seq) {
      const { deltas, at } = this.commits[this.commitsHead++]!;
      for (let i = 0; i < deltas; i++) this.fanout.observe((now - at) / 1000);
    }
    this.compactCommits();
  }

  /** The exposition text for Prometheus; asynchronous because prom-client collects so. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** The Content-Type of `render()`'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Drops the broadcast commits from the front once they are most of the array. */
  private compactCommits(): void {
    if (this.commitsHead > 1024 && this.commitsHead * 2 > this.commits.length) {
      this.commits = this.commits.slice(this.commitsHead);
      this.commitsHead = 0;
    }
  }
}
