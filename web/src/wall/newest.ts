import type { IncidentSummary } from '../../../shared/domain/incidents.js';

/**
 * The newest `limit` incidents that pass a test, kept up to date from the ids that changed, so a
 * board of ten rows does not walk 20,000 incidents at every update. A change to one of the rows
 * (it may no longer pass) or a new test costs one full pass; anything else, a look at the
 * changed incidents alone.
 */
export class NewestIncidents {
  private rows: IncidentSummary[] = [];
  private keep: ((i: IncidentSummary) => boolean) | undefined;

  constructor(private readonly limit: number) {}

  get list(): readonly IncidentSummary[] {
    return this.rows;
  }

  /** One pass over everything. */
  rebuild(all: Iterable<IncidentSummary>, keep: (i: IncidentSummary) => boolean): void {
    this.keep = keep;
    this.rows = [];
    for (const i of all) if (keep(i)) this.offer(i);
  }

  /**
   * Takes in the incidents with these ids as they are now; answers false if that needs a
   * `rebuild` instead: one of them is on the board and may have to leave it, or `keep` is not
   * the test the board was built with.
   */
  update(
    ids: Iterable<string>,
    get: (id: string) => IncidentSummary | undefined,
    keep: (i: IncidentSummary) => boolean,
  ): boolean {
    if (keep !== this.keep) return false;
    const changed = [...ids];
    if (changed.some((id) => this.rows.some((r) => r.id === id))) return false;
    for (const id of changed) {
      const i = get(id);
      if (i && keep(i)) this.offer(i);
    }
    return true;
  }

  private offer(i: IncidentSummary): void {
    const rows = this.rows;
    if (rows.length === this.limit && i.reportedAt <= rows[rows.length - 1]!.reportedAt) return;
    let at = rows.findIndex((r) => i.reportedAt > r.reportedAt);
    if (at === -1) at = rows.length;
    rows.splice(at, 0, i);
    if (rows.length > this.limit) rows.pop();
  }
}
