import type Database from 'better-sqlite3';
import {
  DEPARTMENT_FIELDS,
  HISTOGRAM_SIZE,
  TALLY_FIELDS,
  type Incident,
} from '../../shared/index.js';
import { contributionOf, type Contribution } from './contribution.js';

/** Column names of the area rollup: the tally's fields, then the histogram's buckets. */
export const AREA_COLUMNS = [
  ...TALLY_FIELDS.map(snake),
  ...Array.from({ length: HISTOGRAM_SIZE }, (_, i) => `h${i}`),
];
export const DEPARTMENT_COLUMNS = DEPARTMENT_FIELDS.map(snake);

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** An insert of a row that, where the row is there, adds its sums to the row's instead. */
function addingUpsert(
  table: string,
  keys: string[],
  labels: string[],
  sums: readonly string[],
): string {
  const columns = [...keys, ...labels, ...sums];
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
    ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${sums.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`;
}

/** A contribution as stored beside its incident: a JSON array, a few dozen bytes. */
function pack(c: Contribution): string {
  return JSON.stringify([
    c.day,
    c.gridId,
    c.communityId,
    c.streetId,
    c.districtId,
    c.source,
    c.category,
    c.tally,
    c.bucket,
    c.departments,
  ]);
}

function unpack(stat: string): Contribution {
  const [
    day,
    gridId,
    communityId,
    streetId,
    districtId,
    source,
    category,
    tally,
    bucket,
    departments,
  ] = JSON.parse(stat) as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    number[],
    number | null,
    Record<string, number[]>,
  ];
  return {
    day,
    gridId,
    communityId,
    streetId,
    districtId,
    source,
    category,
    tally,
    bucket,
    departments,
  };
}

/** The levels an incident counts at, with each area's parent. */
function areasOf(c: Contribution): [area: string, level: string, parent: string][] {
  return [
    ['city', 'city', ''],
    [c.districtId, 'district', 'city'],
    [c.streetId, 'street', c.districtId],
    [c.communityId, 'community', c.streetId],
    [c.gridId, 'grid', c.communityId],
  ];
}

/**
 * The statistics' rollups (stat_area_day, stat_mix_day, stat_department_day), kept in step with
 * the incidents in the same transaction as each write: an incident's old contribution comes
 * off and its new one goes on. Changes are summed in memory and written once per row at
 * `flush`, so a batch of a thousand incidents of one day touches each row once.
 */
export class Rollups {
  private readonly areaRows = new Map<string, { level: string; parent: string; v: number[] }>();
  private readonly mixRows = new Map<string, number>();
  private readonly departmentRows = new Map<string, number[]>();
  private readonly upsertArea: Database.Statement;
  private readonly upsertMix: Database.Statement;
  private readonly upsertDepartment: Database.Statement;
  private readonly readStat: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly utcOffsetMinutes: number,
  ) {
    this.upsertArea = db.prepare(
      addingUpsert('stat_area_day', ['area', 'day'], ['level', 'parent'], AREA_COLUMNS),
    );
    this.upsertMix = db.prepare(
      addingUpsert('stat_mix_day', ['area', 'day', 'kind', 'key'], [], ['n']),
    );
    this.upsertDepartment = db.prepare(
      addingUpsert('stat_department_day', ['department', 'day'], [], DEPARTMENT_COLUMNS),
    );
    this.readStat = db.prepare('SELECT stat FROM incidents WHERE id = ?');
  }

  /**
   * Counts a write of `incident` (new or changed) and returns its contribution, to be stored
   * with it. `known` is false for incidents certainly not yet stored (saves a read).
   */
  record(incident: Incident, known = true): string {
    if (known) {
      const row = this.readStat.get(incident.id) as { stat: string | null } | undefined;
      if (row?.stat) this.add(unpack(row.stat), -1);
    }
    const contribution = contributionOf(incident, this.utcOffsetMinutes);
    this.add(contribution, 1);
    return pack(contribution);
  }

  /** Writes what was counted since the last flush; call inside the same transaction. */
  flush(): void {
    for (const [key, row] of this.areaRows) {
      if (row.v.every((n) => n === 0)) continue;
      const [area, day] = key.split('\u0000') as [string, string];
      this.upsertArea.run(area, day, row.level, row.parent, ...row.v);
    }
    for (const [key, n] of this.mixRows) {
      if (n === 0) continue;
      const [area, day, kind, k] = key.split('\u0000') as [string, string, string, string];
      this.upsertMix.run(area, day, kind, k, n);
    }
    for (const [key, v] of this.departmentRows) {
      if (v.every((n) => n === 0)) continue;
      const [department, day] = key.split('\u0000') as [string, string];
      this.upsertDepartment.run(department, day, ...v);
    }
    this.discard();
  }

  /** Forgets what was counted (the transaction failed). */
  discard(): void {
    this.areaRows.clear();
    this.mixRows.clear();
    this.departmentRows.clear();
  }

  private add(c: Contribution, sign: number): void {
    const width = AREA_COLUMNS.length;
    for (const [area, level, parent] of areasOf(c)) {
      const key = `${area}\u0000${c.day}`;
      let row = this.areaRows.get(key);
      if (!row) {
        row = { level, parent, v: new Array<number>(width).fill(0) };
        this.areaRows.set(key, row);
      }
      c.tally.forEach((n, i) => (row.v[i]! += sign * n));
      if (c.bucket !== null) row.v[TALLY_FIELDS.length + c.bucket]! += sign;
      // The mix of sources and categories is kept down to communities, not per grid.
      if (level === 'grid') continue;
      for (const [kind, k] of [
        ['source', c.source],
        ['category', c.category],
      ] as const) {
        const mixKey = `${area}\u0000${c.day}\u0000${kind}\u0000${k}`;
        this.mixRows.set(mixKey, (this.mixRows.get(mixKey) ?? 0) + sign);
      }
    }
    for (const [department, values] of Object.entries(c.departments)) {
      const key = `${department}\u0000${c.day}`;
      let row = this.departmentRows.get(key);
      if (!row) {
        row = new Array<number>(DEPARTMENT_COLUMNS.length).fill(0);
        this.departmentRows.set(key, row);
      }
      values.forEach((n, i) => (row[i]! += sign * n));
    }
  }
}

/**
 * Counts incidents stored before the statistics were kept (an upgraded store): each gets its
 * contribution, in batches of one transaction each, once.
 */
export function backfillStatistics(db: Database.Database, rollups: Rollups, batch = 2_000): number {
  const next = db.prepare(`SELECT id, doc FROM incidents WHERE stat IS NULL LIMIT ${batch}`);
  const save = db.prepare('UPDATE incidents SET stat = ? WHERE id = ?');
  let done = 0;
  const step = db.transaction((rows: { id: string; doc: string }[]) => {
    for (const row of rows)
      save.run(rollups.record(JSON.parse(row.doc) as Incident, false), row.id);
    rollups.flush();
  });
  for (let rows = next.all() as { id: string; doc: string }[]; rows.length;) {
    step(rows);
    done += rows.length;
    rows = next.all() as { id: string; doc: string }[];
  }
  return done;
}
