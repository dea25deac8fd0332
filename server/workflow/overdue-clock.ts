import type { Delta, IncidentSummary } from '../../shared/index.js';
import type { Board } from '../live/board.js';
import type { Clock } from '../live/clock.js';

/**
 * Wakes at the next deadline among open incidents and flags every one that has passed, so the
 * overdue event reaches screens the moment it happens, not on the next poll.
 */
export class OverdueClock {
  private timer: NodeJS.Timeout | undefined;
  private nextAt = Infinity;
  private stopped = false;

  constructor(
    private readonly board: Board,
    private readonly clock: Clock,
    private readonly flag: (incidentId: string, dueAt: string) => Promise<void>,
    /** Longest sleep, so a changed clock (demo time scale) is noticed. */
    private readonly maxSleepMs = 1_000,
  ) {}

  start(): void {
    this.tick();
  }

  /** A deadline may have moved earlier: wake sooner if so. */
  onDeltas(deltas: readonly Delta[]): void {
    for (const d of deltas) {
      if (d.type === 'incident' && pending(d.incident)) {
        const due = Date.parse(d.incident.deadline!.dueAt);
        if (due < this.nextAt) this.schedule(due);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private tick = (): void => {
    if (this.stopped) return;
    const now = this.clock().getTime();
    let next = Infinity;
    for (const incident of this.board.incidents.values()) {
      if (!pending(incident)) continue;
      const due = Date.parse(incident.deadline!.dueAt);
      if (due <= now) {
        this.flag(incident.id, incident.deadline!.dueAt).catch((err: unknown) => {
          console.error(`could not flag incident ${incident.id} overdue`, err);
        });
      } else if (due < next) next = due;
    }
    this.schedule(next);
  };

  private schedule(dueAt: number): void {
    clearTimeout(this.timer);
    this.nextAt = dueAt;
    const wait = Math.max(0, Math.min(dueAt - this.clock().getTime(), this.maxSleepMs));
    this.timer = setTimeout(this.tick, wait);
    this.timer.unref();
  }
}

function pending(incident: IncidentSummary): boolean {
  return incident.deadline !== null && !incident.deadline.flagged;
}
