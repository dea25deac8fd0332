import type { Delta, Incident, Report } from '../../../shared/index.js';
import { StaleWriteError } from '../../store/sqlite-store.js';
import type { Change, Store } from '../../store/store.js';

/**
 * The store the demo's past is made in: intake and the workflow write to it exactly as they
 * write to SQLite, but in memory and without an event log, so ninety days take seconds. What
 * it holds goes to the real store as past records (`Store.importPast`).
 */
export class MemoryStore {
  readonly incidents = new Map<string, Incident>();
  /** Reports by incident, in the order they came. */
  readonly reports = new Map<string, Report[]>();
  /** Every report's key, for intake's duplicate check; only the ids are kept. */
  private readonly reportKeys = new Map<string, Pick<Report, 'id' | 'incidentId'>>();
  readonly counters = new Map<string, number>();
  private seq = 0;

  /** `idBase`: where this store's id counters start. */
  constructor(private readonly idBase = 0) {}

  /** The subset of `Store` that intake and the workflow use; the rest is never called. */
  asStore(): Store {
    const refuse = (name: string) => () => {
      throw new Error(`the history store has no ${name}`);
    };
    return new Proxy(
      {
        lastSeq: () => this.seq,
        commit: async (change: Change, at: Date) => this.commit(change, at),
        getIncident: async (id: string) => this.incidents.get(id),
        findReport: async (integration: string, source: string, externalId: string) =>
          this.reportKeys.get(`${integration}\u0000${source}\u0000${externalId}`) as
            Report | undefined,
        nextId: async (counter: string) => {
          const value = (this.counters.get(counter) ?? this.idBase) + 1;
          this.counters.set(counter, value);
          return value;
        },
      } as Partial<Store>,
      { get: (target, name: string) => target[name as keyof Store] ?? refuse(name) },
    ) as Store;
  }

  /** Takes the incidents out, with their reports, that `done` says are finished with. */
  take(done: (incident: Incident) => boolean): { incidents: Incident[]; reports: Report[] } {
    const incidents: Incident[] = [];
    const reports: Report[] = [];
    for (const incident of this.incidents.values()) {
      if (!done(incident)) continue;
      incidents.push(incident);
      reports.push(...(this.reports.get(incident.id) ?? []));
      this.incidents.delete(incident.id);
      this.reports.delete(incident.id);
    }
    return { incidents, reports };
  }

  private commit(change: Change, at: Date): Delta[] {
    for (const incident of change.incidents ?? []) {
      const stored = this.incidents.get(incident.id);
      if (stored ? stored.version !== incident.version - 1 : incident.version !== 1)
        throw new StaleWriteError(`incident ${incident.id} was changed by someone else`);
    }
    for (const incident of change.incidents ?? []) this.incidents.set(incident.id, incident);
    for (const report of change.reports ?? []) {
      const list = this.reports.get(report.incidentId) ?? [];
      list.push(report);
      this.reports.set(report.incidentId, list);
      this.reportKeys.set(
        `${report.integration ?? ''}\u0000${report.source}\u0000${report.externalId}`,
        { id: report.id, incidentId: report.incidentId },
      );
    }
    const iso = at.toISOString();
    return change.deltas.map((draft) => ({ ...draft, seq: ++this.seq, at: iso }) as Delta);
  }
}
