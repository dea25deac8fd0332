import type { DepartmentFigures, Figures } from './figures.js';
import type { Period } from './periods.js';

/** An area as the statistics name it: the city, a district, street, community or grid. */
export interface StatsArea {
  id: string;
  name: string;
  level: 'city' | 'district' | 'street' | 'community' | 'grid';
}

/** `GET /api/v1/stats`: one area over a period, compared (docs/API.md). */
export interface StatsAnswer {
  period: Period;
  area: StatsArea;
  /** When the figures were read: they include every change committed until then. */
  updatedAt: string;
  figures: { current: Figures; previous: Figures; lastYear: Figures };
  mix: { source: Record<string, number>; category: Record<string, number> };
  /** Day by day over the period. */
  trend: ({ day: string } & Pick<
    Figures,
    'intake' | 'closed' | 'closeRate' | 'onTimeRate' | 'overdue' | 'satisfaction'
  >)[];
  /** Each area one level down. */
  breakdown: (StatsArea & { figures: Figures })[];
  /** 部门考核: the departments serving the area. */
  departments: { id: string; name: string; figures: DepartmentFigures }[];
}

/** One indicator's part in an area's index. */
export interface IndexPart {
  figure: string;
  weight: number;
  higherIsBetter: boolean;
  /** The rate itself (0..1), null where the period had nothing to count. */
  value: number | null;
  /** Points it adds to the score (out of 100 for the whole index). */
  points: number;
}

/** `GET /api/v1/stats/ranking`: 指数排行 of streets or communities. */
export interface RankingAnswer {
  period: Period;
  level: 'street' | 'community';
  updatedAt: string;
  areas: (StatsArea & { rank: number; score: number | null; intake: number; parts: IndexPart[] })[];
}
