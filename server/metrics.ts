/**
 * A small Prometheus registry: counters, gauges and latency summaries, rendered in the text
 * exposition format for GET /metrics.
 */
export class Metrics {
  private readonly series = new Map<
    string,
    { help: string; type: 'counter' | 'gauge' | 'summary'; values: Map<string, number> }
  >();
  private readonly samples = new Map<string, number[]>();

  count(name: string, help: string, by = 1, labels: Record<string, string> = {}): void {
    const values = this.family(name, help, 'counter');
    const key = labelKey(labels);
    values.set(key, (values.get(key) ?? 0) + by);
  }

  gauge(name: string, help: string, value: number, labels: Record<string, string> = {}): void {
    this.family(name, help, 'gauge').set(labelKey(labels), value);
  }

  /** Records a duration in seconds; the summary reports recent quantiles, count and sum. */
  observe(name: string, help: string, seconds: number): void {
    const values = this.family(name, help, 'summary');
    values.set('_count', (values.get('_count') ?? 0) + 1);
    values.set('_sum', (values.get('_sum') ?? 0) + seconds);
    const window = this.samples.get(name) ?? [];
    window.push(seconds);
    if (window.length > 2048) window.splice(0, window.length - 1024);
    this.samples.set(name, window);
  }

  /** Times an async operation into a summary. */
  async time<T>(name: string, help: string, run: () => Promise<T>): Promise<T> {
    const start = process.hrtime.bigint();
    try {
      return await run();
    } finally {
      this.observe(name, help, Number(process.hrtime.bigint() - start) / 1e9);
    }
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, { help, type, values }] of this.series) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      if (type === 'summary') {
        const sorted = [...(this.samples.get(name) ?? [])].sort((a, b) => a - b);
        for (const q of [0.5, 0.9, 0.99]) {
          const v = sorted.length
            ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
            : 0;
          lines.push(`${name}{quantile="${q}"} ${v}`);
        }
        lines.push(
          `${name}_count ${values.get('_count') ?? 0}`,
          `${name}_sum ${values.get('_sum') ?? 0}`,
        );
        continue;
      }
      for (const [labels, value] of values) lines.push(`${name}${labels} ${value}`);
    }
    return `${lines.join('\n')}\n`;
  }

  private family(name: string, help: string, type: 'counter' | 'gauge' | 'summary') {
    let family = this.series.get(name);
    if (!family) this.series.set(name, (family = { help, type, values: new Map() }));
    return family.values;
  }
}

function labelKey(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}
