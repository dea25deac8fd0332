import { CATEGORIES } from '../../shared/index.js';
import { api, INGEST_KEY } from '../../tests/support/server.js';
import { randomPlace, reportAt, rng } from './seed.js';

export interface DriverResult {
  /** Writes the server accepted: each is one incident delta on the live stream. */
  ok: number;
  notes: number;
  reports: number;
  /** Stale versions (409) and other refusals; not counted as sent. */
  conflicts: number;
  errors: number;
  seconds: number;
  /** Highest POSTs waiting at once; at the limit means the server fell behind the rate. */
  peakInFlight: number;
  behind: number;
  /** The last versions written, to check the page's store holds them. */
  lastWritten: [string, number][];
}

/**
 * Drives `rate` updates a second through the real server: workflow `note` actions by the duty
 * officer on random live incidents (the version each last answered with, so none is stale), and
 * a share of new reports at random places. Paced against the clock, at most `concurrency` in
 * flight.
 */
export class UpdateDriver {
  private readonly random = rng(200);
  private readonly ids: string[];
  private readonly busy = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private started = 0;
  private issued = 0;
  private readonly result: DriverResult = {
    ok: 0,
    notes: 0,
    reports: 0,
    conflicts: 0,
    errors: 0,
    seconds: 0,
    peakInFlight: 0,
    behind: 0,
    lastWritten: [],
  };
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly versions: Map<string, number>,
    private readonly opts: { rate: number; newShare: number; concurrency: number },
  ) {
    this.ids = [...versions.keys()];
  }

  start(): void {
    this.started = performance.now();
    this.timer = setInterval(() => this.tick(), 5);
  }

  async stop(): Promise<DriverResult> {
    clearInterval(this.timer);
    this.result.seconds = (performance.now() - this.started) / 1000;
    this.result.behind = Math.max(
      0,
      Math.floor(this.result.seconds * this.opts.rate) - this.issued,
    );
    await Promise.all(this.pending);
    return this.result;
  }

  private tick(): void {
    const due = Math.floor(((performance.now() - this.started) / 1000) * this.opts.rate);
    while (this.issued < due && this.inFlight < this.opts.concurrency) {
      this.issued += 1;
      const job =
        this.random() < this.opts.newShare ? this.newReport() : this.note(this.pickIdle());
      this.inFlight += 1;
      this.result.peakInFlight = Math.max(this.result.peakInFlight, this.inFlight);
      const p = job
        .catch(() => {
          this.result.errors += 1;
        })
        .finally(() => {
          this.inFlight -= 1;
          this.pending.delete(p);
        });
      this.pending.add(p);
    }
  }

  private pickIdle(): string {
    for (;;) {
      const id = this.ids[Math.floor(this.random() * this.ids.length)]!;
      if (!this.busy.has(id)) return id;
    }
  }

  private written(id: string, version: number): void {
    this.versions.set(id, version);
    this.result.lastWritten.push([id, version]);
    if (this.result.lastWritten.length > 1_000) this.result.lastWritten.splice(0, 500);
  }

  private async note(id: string): Promise<void> {
    this.busy.add(id);
    try {
      const res = await api(this.url, `/api/v1/incidents/${id}/actions`, {
        token: this.token,
        body: {
          action: 'note',
          version: this.versions.get(id),
          comment: `压测备注 ${this.issued}`,
        },
      });
      if (res.status === 200) {
        this.result.ok += 1;
        this.result.notes += 1;
        this.written(id, res.body.incident.version as number);
      } else if (res.status === 409) {
        this.result.conflicts += 1;
        const fresh = await api(this.url, `/api/v1/incidents/${id}`, { token: this.token });
        if (fresh.status === 200) this.versions.set(id, fresh.body.incident.version as number);
      } else {
        this.result.errors += 1;
      }
    } finally {
      this.busy.delete(id);
    }
  }

  private async newReport(): Promise<void> {
    const category = CATEGORIES.filter((c) => c !== 'video-alarm')[
      Math.floor(this.random() * (CATEGORIES.length - 1))
    ]!;
    const res = await api(this.url, '/api/v1/reports', {
      token: INGEST_KEY,
      body: reportAt(category, randomPlace(this.random), new Date(), this.random),
    });
    if (res.status === 201 || res.status === 200) {
      this.result.ok += 1;
      this.result.reports += 1;
    } else {
      this.result.errors += 1;
    }
  }
}
