import {
  clipToToday,
  dayMs,
  departmentFiguresOf,
  emptyTally,
  eachDay,
  figuresOf,
  periodOf,
  type City,
  type Figures,
  type IndexPart,
  type Period,
  type PeriodKind,
  type RankingAnswer,
  type Scope,
  type StatsAnswer,
  type StatsArea,
} from '../../shared/index.js';
import { HttpError } from '../http-error.js';
import type { Scopes } from '../levels/scopes.js';
import type { Clock } from '../live/clock.js';
import type { StatsReader } from './reader.js';
import type { StatsConfig } from './config.js';

const CHILD_LEVEL = {
  city: 'district',
  district: 'street',
  street: 'community',
  community: 'grid',
  grid: null,
} as const;

export interface PeriodQuery {
  period: PeriodKind;
  /** A day of the period (default today), or a custom range's first day. */
  date?: string;
  /** A custom range's last day. */
  to?: string;
}

/**
 * The statistics (统计分析) and 指数排行: figures of an area over a period beside the previous
 * period and the same period a year before, its areas one level down, its departments, all
 * from the rollups. Scoped users ask about their own area only.
 */
export class StatsService {
  private readonly areas = new Map<string, StatsArea>();
  private readonly departments: City['departments'];

  constructor(
    private readonly reader: StatsReader,
    city: Pick<City, 'regions' | 'departments' | 'info'>,
    private readonly scopes: Scopes,
    private readonly config: StatsConfig,
    private readonly clock: Clock,
    private readonly utcOffsetMinutes: number,
  ) {
    this.areas.set('city', { id: 'city', name: city.info.name, level: 'city' });
    for (const f of city.regions.features) {
      const { id, name, level } = f.properties;
      if (level !== 'city') this.areas.set(id, { id, name, level } as StatsArea);
    }
    this.departments = city.departments;
  }

  period(q: PeriodQuery): Period {
    const today = new Date(this.clock().getTime() + this.utcOffsetMinutes * 60_000)
      .toISOString()
      .slice(0, 10);
    const day = q.date ?? today;
    if (q.period === 'custom' && (!q.to || q.to < day))
      throw new HttpError(400, 'to: a custom period needs a last day on or after date', {
        code: 'invalid_fields',
        fields: [{ path: 'to', message: 'a day on or after date' }],
      });
    if (q.period === 'custom' && eachDay({ from: day, to: q.to! }).length > 3_700)
      throw new HttpError(400, 'to: a custom period is at most ten years', {
        code: 'invalid_fields',
        fields: [{ path: 'to', message: 'at most ten years after date' }],
      });
    return clipToToday(periodOf(q.period, day, q.to), today);
  }

  /** The instants a period's days span, in the centre's calendar: [from, to). */
  instants(period: Period): { from: string; to: string } {
    const offset = this.utcOffsetMinutes * 60_000;
    return {
      from: new Date(dayMs(period.from) - offset).toISOString(),
      to: new Date(dayMs(period.to) + 86_400_000 - offset).toISOString(),
    };
  }

  /** The area asked for, or the asker's own (the city's for city users); refused outside it. */
  areaFor(scope: Scope | undefined, asked: string | undefined): StatsArea {
    const id = asked ?? scope?.regionId ?? 'city';
    const area = this.areas.get(id);
    if (!area)
      throw new HttpError(400, `area: no region ${id}`, {
        code: 'unknown_region',
        fields: [{ path: 'area', message: `no region ${id}` }],
      });
    if (scope && (id === 'city' || !this.scopes.regionIn(scope, id)))
      throw new HttpError(403, `region ${id} is outside your area (${scope.regionId})`, {
        code: 'outside_your_area',
      });
    return area;
  }

  async answer(area: StatsArea, period: Period, scope: Scope | undefined): Promise<StatsAnswer> {
    const r = this.reader;
    const [current, previous, lastYear, mix, daily, children, departments] = await Promise.all([
      r.total(area.id, period),
      r.total(area.id, period.previous),
      r.total(area.id, period.lastYear),
      r.mix(area.id, period),
      r.daily(area.id, period),
      CHILD_LEVEL[area.level] ? r.children(area.id, period) : Promise.resolve(new Map()),
      r.departments(period),
    ]);
    const breakdown = [...children]
      .map(([id, tally]) => ({
        ...(this.areas.get(id) ?? { id, name: id, level: CHILD_LEVEL[area.level]! }),
        figures: figuresOf(tally),
      }))
      .sort((a, b) => b.figures.intake - a.figures.intake || a.id.localeCompare(b.id));
    return {
      period,
      area,
      updatedAt: this.clock().toISOString(),
      figures: {
        current: figuresOf(current),
        previous: figuresOf(previous),
        lastYear: figuresOf(lastYear),
      },
      mix,
      trend: eachDay(period).map((day) => {
        const f = figuresOf(daily.get(day) ?? emptyTally());
        return {
          day,
          intake: f.intake,
          closed: f.closed,
          closeRate: f.closeRate,
          onTimeRate: f.onTimeRate,
          overdue: f.overdue,
          satisfaction: f.satisfaction,
        };
      }),
      breakdown,
      departments: this.departments
        .filter((d) => this.servesArea(d, scope, area))
        .map((d) => ({
          id: d.id,
          name: d.name,
          figures: departmentFiguresOf(
            departments.get(d.id) ?? {
              assigned: 0,
              responded: 0,
              respondedOnTime: 0,
              finished: 0,
              finishedOnTime: 0,
              returned: 0,
              rated: 0,
              satisfied: 0,
            },
          ),
        }))
        .filter((d) => d.figures.assigned > 0)
        .sort((a, b) => b.figures.assigned - a.figures.assigned),
    };
  }

  /**
   * 指数排行 of every street or community in the scope: each indicator's rate, weighted; the
   * parts add up to the score, so the ranking shows why.
   */
  async ranking(
    level: 'street' | 'community',
    period: Period,
    scope: Scope | undefined,
  ): Promise<RankingAnswer> {
    const tallies = await this.reader.level(level, period);
    const indicators = this.config.index.indicators;
    const rows = [...this.areas.values()]
      .filter((a) => a.level === level && (!scope || this.scopes.regionIn(scope, a.id)))
      .map((area) => {
        const figures = figuresOf(tallies.get(area.id) ?? emptyTally());
        return { ...area, intake: figures.intake, ...scoreOf(figures, indicators) };
      })
      .sort(
        (a, b) =>
          (b.score ?? -1) - (a.score ?? -1) || b.intake - a.intake || a.id.localeCompare(b.id),
      );
    let rank = 0;
    let last: number | null | undefined;
    const areas = rows.map((row, i) => {
      if (row.score !== last) rank = i + 1;
      last = row.score;
      return { ...row, rank };
    });
    return { period, level, updatedAt: this.clock().toISOString(), areas };
  }

  /** A city-wide department everywhere; one with its own area where that area meets the asked. */
  private servesArea(
    d: City['departments'][number],
    scope: Scope | undefined,
    area: StatsArea,
  ): boolean {
    const own = d.regionId ?? d.streetId;
    if (!own) return !scope;
    return (
      area.id === 'city' ||
      this.scopes.regionIn(this.scopes.scopeOfRegion(own), area.id) ||
      this.scopes.regionIn(this.scopes.scopeOfRegion(area.id), own)
    );
  }
}

/** The index of one area's figures: each indicator's points, out of 100 in all. */
export function scoreOf(
  figures: Figures,
  indicators: StatsConfig['index']['indicators'],
): { score: number | null; parts: IndexPart[] } {
  const counted = indicators.filter((i) => figures[i.figure] !== null);
  const weights = counted.reduce((sum, i) => sum + i.weight, 0);
  const parts = indicators.map((i): IndexPart => {
    const value = figures[i.figure];
    const good = value === null ? 0 : i.higherIsBetter ? value : 1 - value;
    return {
      figure: i.figure,
      weight: i.weight,
      higherIsBetter: i.higherIsBetter,
      value,
      points: value === null || !weights ? 0 : (100 * i.weight * good) / weights,
    };
  });
  return {
    score: weights ? parts.reduce((sum, p) => sum + p.points, 0) : null,
    parts,
  };
}
