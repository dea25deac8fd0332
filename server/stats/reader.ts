import type Database from 'better-sqlite3';
import {
  DEPARTMENT_FIELDS,
  emptyTally,
  HISTOGRAM_SIZE,
  TALLY_FIELDS,
  type DayRange,
  type DepartmentTally,
  type Tally,
} from '../../shared/index.js';
import { AREA_COLUMNS, DEPARTMENT_COLUMNS } from './rollups.js';

/** Reads the statistics' rollups: sums over a range of days, never a scan of incidents. */
export interface StatsReader {
  /** One area's sums ('city', or a region id) over the range. */
  total(area: string, range: DayRange): Promise<Tally>;
  /** The sums of each area directly below `parent` ('city' for districts). */
  children(parent: string, range: DayRange): Promise<Map<string, Tally>>;
  /** Every area of a level. */
  level(level: string, range: DayRange): Promise<Map<string, Tally>>;
  /** One area's sums day by day (days with nothing are absent). */
  daily(area: string, range: DayRange): Promise<Map<string, Tally>>;
  /** Intake by source and by category in one area (down to communities). */
  mix(
    area: string,
    range: DayRange,
  ): Promise<{ source: Record<string, number>; category: Record<string, number> }>;
  /** Each department's record. */
  departments(range: DayRange): Promise<Map<string, DepartmentTally>>;
}

const SUMS = AREA_COLUMNS.map((c) => `sum(${c}) AS ${c}`).join(', ');
const DEPARTMENT_SUMS = DEPARTMENT_COLUMNS.map((c) => `sum(${c}) AS ${c}`).join(', ');

function tallyOf(row: Record<string, number | null>): Tally {
  const t = emptyTally();
  TALLY_FIELDS.forEach((f, i) => (t[f] = row[AREA_COLUMNS[i]!] ?? 0));
  for (let i = 0; i < HISTOGRAM_SIZE; i++) t.histogram[i] = row[`h${i}`] ?? 0;
  return t;
}

export function sqliteStatsReader(db: Database.Database): StatsReader {
  const stmt = {
    total: db.prepare(`SELECT ${SUMS} FROM stat_area_day WHERE area = ? AND day BETWEEN ? AND ?`),
    children: db.prepare(
      `SELECT area, ${SUMS} FROM stat_area_day WHERE parent = ? AND day BETWEEN ? AND ? GROUP BY area`,
    ),
    level: db.prepare(
      `SELECT area, ${SUMS} FROM stat_area_day WHERE level = ? AND day BETWEEN ? AND ? GROUP BY area`,
    ),
    daily: db.prepare(
      `SELECT day, ${AREA_COLUMNS.join(', ')} FROM stat_area_day WHERE area = ? AND day BETWEEN ? AND ?`,
    ),
    mix: db.prepare(
      `SELECT kind, key, sum(n) AS n FROM stat_mix_day WHERE area = ? AND day BETWEEN ? AND ? GROUP BY kind, key`,
    ),
    departments: db.prepare(
      `SELECT department, ${DEPARTMENT_SUMS} FROM stat_department_day WHERE day BETWEEN ? AND ? GROUP BY department`,
    ),
  };
  type Row = Record<string, number | null> & Record<string, unknown>;
  const byKey = (rows: unknown[], key: string) =>
    new Map((rows as Row[]).map((r) => [String(r[key]), tallyOf(r)]));
  return {
    async total(area, { from, to }) {
      return tallyOf(stmt.total.get(area, from, to) as Record<string, number | null>);
    },
    async children(parent, { from, to }) {
      return byKey(stmt.children.all(parent, from, to), 'area');
    },
    async level(level, { from, to }) {
      return byKey(stmt.level.all(level, from, to), 'area');
    },
    async daily(area, { from, to }) {
      return byKey(stmt.daily.all(area, from, to), 'day');
    },
    async mix(area, { from, to }) {
      const out = { source: {} as Record<string, number>, category: {} as Record<string, number> };
      for (const r of stmt.mix.all(area, from, to) as { kind: string; key: string; n: number }[])
        if (r.n) out[r.kind as 'source' | 'category'][r.key] = r.n;
      return out;
    },
    async departments({ from, to }) {
      const rows = stmt.departments.all(from, to) as Record<string, unknown>[];
      return new Map(
        rows.map((r) => [
          String(r.department),
          Object.fromEntries(
            DEPARTMENT_FIELDS.map((f, i) => [f, Number(r[DEPARTMENT_COLUMNS[i]!] ?? 0)]),
          ) as DepartmentTally,
        ]),
      );
    },
  };
}
