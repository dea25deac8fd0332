import { reactive } from 'vue';
import {
  addTodayCounts,
  centreDayStart,
  emptyTodayCounts,
  onBoard,
  summaryAfter,
  todayCounts,
  todayRates,
  warningsAt,
  byUrgency,
  type Warning,
  type IncidentSummary,
  type Kpis,
  type ReplayAnswer,
  type ReplayIncident,
  type ReplayStep,
} from '../../../shared/index.js';
import { incidentBoard } from '../stores/incidents.js';

/** The day's figures at a moment of a replay, as the tiles showed them then. */
export type ReplayFigures = Pick<
  Kpis,
  | 'intake'
  | 'resolved'
  | 'selfHandled'
  | 'immediate'
  | 'resolutionRate'
  | 'onTimeRate'
  | 'open'
  | 'overdue'
>;

/** A step in the replay's log: what happened to which incident, when. */
export interface ReplayLogLine {
  key: string;
  at: number;
  incident: ReplayIncident;
  step: ReplayStep;
}

/**
 * A replay's picture at any moment: the incidents on a board the map and lists read like the
 * live store, the day's figures, the log of what happened. Moving costs a pass over the replay's
 * incidents (a pointer into each one's steps), and only those whose step changed, or that came
 * onto or left the board, are handed to the map.
 */
export class ReplayPlayback {
  private static made = 0;
  /** Tells one loaded replay from another, the same stretch loaded again included. */
  readonly key = ++ReplayPlayback.made;
  readonly board = reactive(incidentBoard());
  readonly from: number;
  readonly to: number;
  private readonly times: number[][];
  /** Steps done per incident at the current moment; -1 before the first move. */
  private readonly done: number[];
  private readonly current: (IncidentSummary | undefined)[];
  private readonly shown = new Set<string>();
  /** Every step of every incident by time, for the log. */
  private readonly log: { at: number; k: number; s: number }[];
  private dayStart = '';
  private at = Number.NaN;

  constructor(readonly answer: ReplayAnswer) {
    this.from = Date.parse(answer.from);
    this.to = Date.parse(answer.to);
    this.times = answer.incidents.map((i) => i.steps.map((s) => Date.parse(s.at)));
    this.done = answer.incidents.map(() => -1);
    this.current = answer.incidents.map(() => undefined);
    this.log = this.times
      .flatMap((steps, k) => steps.map((at, s) => ({ at, k, s })))
      .sort((a, b) => a.at - b.at || a.k - b.k || a.s - b.s);
    // Counted once: the view shows it on every re-render.
    this.stepsInStretch = this.log.filter((e) => e.at >= this.from && e.at <= this.to).length;
  }

  /** The moment shown, ms. */
  get position(): number {
    return this.at;
  }

  /** Shows the moment `t` (ms): the board changes by what differs from the last moment. */
  seek(t: number): void {
    const dayStart = new Date(centreDayStart(t, this.answer.utcOffsetMinutes)).toISOString();
    const newDay = dayStart !== this.dayStart;
    this.dayStart = dayStart;
    this.at = t;
    const upsert: IncidentSummary[] = [];
    const remove: string[] = [];
    this.answer.incidents.forEach((incident, k) => {
      const times = this.times[k]!;
      let n = Math.max(0, this.done[k]!);
      while (n < times.length && times[n]! <= t) n += 1;
      while (n > 0 && times[n - 1]! > t) n -= 1;
      if (n === this.done[k] && !newDay) return;
      if (n !== this.done[k]) this.current[k] = summaryAfter(incident, n);
      this.done[k] = n;
      const summary = this.current[k];
      const visible = summary !== undefined && onBoard(summary, dayStart);
      if (visible) {
        if (summary !== this.board.peek(incident.id)) upsert.push(summary);
        this.shown.add(incident.id);
      } else if (this.shown.delete(incident.id)) remove.push(incident.id);
    });
    if (upsert.length) this.board.upsert(upsert);
    if (remove.length) this.board.remove(remove);
  }

  /** The day's figures at the moment shown, counted as the live tiles count them. */
  figures(): ReplayFigures {
    const now = new Date(this.at);
    const dayEnd = new Date(Date.parse(this.dayStart) + 86_400_000).toISOString();
    const totals = emptyTodayCounts();
    // Only what is on the board counts today: open, or reported or finished today.
    for (const summary of this.board.snapshot())
      addTodayCounts(totals, todayCounts(summary, now, this.dayStart, dayEnd));
    return {
      intake: totals.intake,
      resolved: totals.resolved,
      selfHandled: totals.selfHandled,
      immediate: totals.immediate,
      ...todayRates(totals),
      open: totals.open,
      overdue: totals.overdue,
    };
  }

  /** The warnings (预警) that stood at the moment shown, the most urgent first. */
  warnings(): Warning[] {
    return warningsAt(this.answer.warnings, this.at).sort(byUrgency);
  }

  /** The last `limit` steps up to the moment shown, the latest first. */
  recent(limit: number): ReplayLogLine[] {
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.log[mid]!.at <= this.at) lo = mid + 1;
      else hi = mid;
    }
    const out: ReplayLogLine[] = [];
    for (let j = lo - 1; j >= 0 && out.length < limit; j--) {
      const { at, k, s } = this.log[j]!;
      const incident = this.answer.incidents[k]!;
      out.push({ key: `${incident.id}:${s}`, at, incident, step: incident.steps[s]! });
    }
    return out;
  }

  /** How many steps happened in the replay's stretch: the log's length from `from` to `to`. */
  readonly stepsInStretch: number;
}
