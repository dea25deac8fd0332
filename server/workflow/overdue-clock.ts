import type { Delta, IncidentSummary } from '../../shared/index.js';
import type { Board } from '../live/board.js';
import type { Clock } from '../live/clock.js';
import { moduleLog } from '../log.js';
import { DeadlineHeap } from './deadline-heap.js';

const log = moduleLog('workflow');

/**
 * Wakes at the next deadline among open incidents and flags every one that has passed, so the
 * overdue event reaches screens the moment it happens, not on the next poll. Deadlines wait in
 * a heap kept current from the deltas: a wake-up looks at the ones due, not at the whole board.
 */
export class OverdueClock {
  private readonly deadlines = new DeadlineHeap();
  private timer: NodeJS.Timeout | undefined;
  private nextAt = Infinity;
  private stopped = false;

  constructor(
    private readonly board: Board,
    private readonly clock: Clock,
    private readonly flag: (incidentId: string, dueAt: string, what: Watched) => Promise<void>,
    /** Longest sleep, so a changed clock (demo time scale) is noticed. */
    private readonly maxSleepMs = 1_000,
  ) {}

  start(): void {
    for (const incident of this.board.incidents.values()) this.track(incident);
    this.tick();
  }

  /** A deadline may have moved earlier: wake sooner if so. */
  onDeltas(deltas: readonly Delta[]): void {
    for (const d of deltas) if (d.type === 'incident') this.track(d.incident);
    if (this.deadlines.earliest < this.nextAt) this.schedule(this.deadlines.earliest);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private track(incident: IncidentSummary): void {
    if (pending(incident)) this.deadlines.set(incident.id, Date.parse(incident.deadline!.dueAt));
    else this.deadlines.delete(incident.id);
    // A handover between levels runs its own clock, beside the step's.
    const key = `${incident.id}${TAKE}`;
    if (pendingTake(incident)) this.deadlines.set(key, Date.parse(incident.handover!.dueAt));
    else this.deadlines.delete(key);
  }

  private tick = (): void => {
    if (this.stopped) return;
    const now = this.clock().getTime();
    for (let key = this.deadlines.popDue(now); key; key = this.deadlines.popDue(now)) {
      const what: Watched = key.endsWith(TAKE) ? 'take' : 'step';
      const id = what === 'take' ? key.slice(0, -TAKE.length) : key;
      // The board is the live picture: an incident pruned from it is no longer watched.
      const incident = this.board.incidents.get(id);
      if (!incident || !(what === 'take' ? pendingTake(incident) : pending(incident))) continue;
      const dueAt = what === 'take' ? incident.handover!.dueAt : incident.deadline!.dueAt;
      this.flag(id, dueAt, what).catch((err: unknown) => {
        log.error({ err, incidentId: id }, `could not flag incident ${id} overdue`);
        // Tried again on the next wake-up, unless a newer delta has moved the deadline.
        const current = this.board.incidents.get(id);
        if (current === incident) this.track(current);
      });
    }
    this.schedule(this.deadlines.earliest);
  };

  private schedule(dueAt: number): void {
    clearTimeout(this.timer);
    this.nextAt = dueAt;
    const wait = Math.max(0, Math.min(dueAt - this.clock().getTime(), this.maxSleepMs));
    this.timer = setTimeout(this.tick, wait);
    this.timer.unref();
  }
}

/** What runs against a clock: the step's deadline, or a handover's (接收) between levels. */
export type Watched = 'step' | 'take';
const TAKE = '#take';

function pendingTake(incident: IncidentSummary): boolean {
  return !!incident.handover && !incident.handover.flagged;
}

function pending(incident: IncidentSummary): boolean {
  return incident.deadline !== null && !incident.deadline.flagged;
}
