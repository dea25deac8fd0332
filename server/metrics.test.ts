import { describe, expect, it } from 'vitest';
import { Metrics } from './metrics.js';

/**
 * A sample line of the Prometheus text format: name, optional labels, a number. Prometheus reads
 * the number with Go's ParseFloat, which takes NaN in any case (prom-client writes `Nan`).
 */
const SAMPLE =
  /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? (-?[0-9.e+-]+|[Nn][Aa][Nn]|\+Inf|-Inf)$/;

/** Checks every line of an exposition and returns the families it declares, name -> type. */
function parseExposition(text: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    else if (!line.startsWith('# HELP ')) expect(line, 'a sample line').toMatch(SAMPLE);
  }
  return types;
}

const value = (text: string, series: string) =>
  Number(new RegExp(`^${series.replace(/[{}"\\]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);

describe('the metrics', () => {
  it('render valid exposition text with the histograms, counters and process metrics', async () => {
    const m = new Metrics();
    m.count('citybrain_events_total', 'deltas committed', 3);
    m.count('citybrain_intake_reports_total', 'reports by result', 1, { result: 'created' });
    m.count('citybrain_intake_reports_total', 'reports by result', 2, { result: 'created' });
    m.gauge('citybrain_socket_lagging', 'sockets held back', 0);
    m.gauge('citybrain_cameras', 'cameras by status', 640, { status: 'online' });
    await m.time('citybrain_store_commit_seconds', 'store commit latency', async () => {});
    m.observeHttp('GET', '/api/v1/incidents/:id', 200, 0.004);
    m.observeHttp('BREW', '/api/v1/*', 404, 0.001);
    m.committed([{ seq: 1 }, { seq: 2 }]);
    m.committed([{ seq: 3 }]);
    m.broadcast(2);

    const text = await m.render();
    const types = parseExposition(text);
    expect(types.get('citybrain_http_request_duration_seconds')).toBe('histogram');
    expect(types.get('citybrain_store_commit_seconds')).toBe('histogram');
    expect(types.get('citybrain_fanout_latency_seconds')).toBe('histogram');
    expect(types.get('citybrain_events_total')).toBe('counter');
    expect(types.get('citybrain_socket_lagging')).toBe('gauge');
    // prom-client's default process metrics, on this instance's registry.
    expect(types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
    expect(types.get('nodejs_heap_size_used_bytes')).toBe('gauge');
    expect(types.get('process_cpu_seconds_total')).toBe('counter');

    expect(text).toMatch(
      /^citybrain_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/api\/v1\/incidents\/:id",status="200"\} 1$/m,
    );
    // A made-up method is one series, not one each.
    expect(text).toContain('method="other",route="/api/v1/*",status="404"');
    expect(value(text, 'citybrain_intake_reports_total{result="created"}')).toBe(3);
    expect(value(text, 'citybrain_events_total')).toBe(3);
    expect(value(text, 'citybrain_cameras{status="online"}')).toBe(640);
    // What bench/realtime.ts and the tests read: unlabelled _count and _sum lines.
    expect(value(text, 'citybrain_store_commit_seconds_count')).toBe(1);
    expect(value(text, 'citybrain_store_commit_seconds_sum')).toBeGreaterThanOrEqual(0);
    // The two deltas of the first commit were broadcast; the third waits for its flush.
    expect(value(text, 'citybrain_fanout_latency_seconds_count')).toBe(2);
    m.broadcast(3);
    expect(value(await m.render(), 'citybrain_fanout_latency_seconds_count')).toBe(3);
  });

  it('keeps each instance to itself: servers in one process do not share figures', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.count('citybrain_events_total', 'deltas committed', 5);
    b.count('citybrain_events_total', 'deltas committed', 1);
    expect(value(await a.render(), 'citybrain_events_total')).toBe(5);
    expect(value(await b.render(), 'citybrain_events_total')).toBe(1);
  });

  it('forgets commits nobody broadcasts, past a bound', async () => {
    const m = new Metrics();
    for (let seq = 1; seq <= 100_100; seq++) m.committed([{ seq }]);
    m.broadcast(100_100);
    expect(value(await m.render(), 'citybrain_fanout_latency_seconds_count')).toBe(100_000);
  });
});
