import type { Category } from '../../../shared/domain/incidents.js';
import { CATEGORIES } from '../../../shared/domain/vocabulary.js';
import type { Kpis } from '../../../shared/realtime/events.js';
import { CLOSE_BUCKETS_H } from './figures.js';
import { THEMES, type ChartTheme, type EChartsCoreOption } from './themes.js';

type Translate = (key: never) => string;

function axis(theme: ChartTheme) {
  const t = THEMES[theme];
  return {
    axisLine: { lineStyle: { color: t.axis } },
    axisLabel: { color: t.text, fontSize: t.font * 0.8 },
    splitLine: { lineStyle: { color: t.split } },
  };
}

const grid = (theme: ChartTheme) =>
  theme === 'wall'
    ? { left: 190, right: 60, top: 20, bottom: 60 }
    : { left: 70, right: 12, top: 10, bottom: 24 };

/** Incidents by category, largest first. */
export function categoryOption(
  counts: Partial<Record<Category, number>>,
  theme: ChartTheme,
  t: Translate,
): EChartsCoreOption {
  const rows = CATEGORIES.map((c) => ({
    name: t(`category.${c}` as never),
    value: counts[c] ?? 0,
  })).sort((a, b) => a.value - b.value);
  return {
    grid: grid(theme),
    tooltip: {},
    xAxis: { type: 'value', minInterval: 1, ...axis(theme) },
    yAxis: { type: 'category', data: rows.map((r) => r.name), ...axis(theme) },
    series: [
      { type: 'bar', data: rows.map((r) => r.value), barMaxWidth: theme === 'wall' ? 36 : 14 },
    ],
  };
}

/** Incidents per local hour today. */
export function trendOption(hourly: number[], theme: ChartTheme): EChartsCoreOption {
  return {
    grid: { ...grid(theme), left: theme === 'wall' ? 90 : 36 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: Array.from({ length: 24 }, (_, h) => `${h}`), ...axis(theme) },
    yAxis: { type: 'value', minInterval: 1, ...axis(theme) },
    series: [
      {
        type: 'line',
        smooth: true,
        areaStyle: { opacity: 0.25 },
        data: hourly,
        symbol: 'none',
      },
    ],
  };
}

/** Streets by governance index (指数排行), best at the top. */
export function rankingOption(
  kpis: Kpis | undefined,
  names: Map<string, string>,
  theme: ChartTheme,
): EChartsCoreOption {
  const rows = [...(kpis?.streets ?? [])].reverse();
  return {
    grid: grid(theme),
    tooltip: {},
    xAxis: { type: 'value', max: 100, ...axis(theme) },
    yAxis: {
      type: 'category',
      data: rows.map((s) => names.get(s.streetId) ?? s.streetId),
      ...axis(theme),
    },
    series: [
      {
        type: 'bar',
        data: rows.map((s) => s.score),
        barMaxWidth: theme === 'wall' ? 36 : 14,
        label: {
          show: true,
          position: 'right',
          color: THEMES[theme].text,
          fontSize: THEMES[theme].font * 0.8,
        },
      },
    ],
  };
}

/** How long closed incidents took, from report to close, in buckets of hours (CLOSE_BUCKETS_H). */
export function closeTimeOption(
  counts: number[],
  theme: ChartTheme,
  hours: string,
): EChartsCoreOption {
  const labels = [
    ...CLOSE_BUCKETS_H.map((h) => `≤${h}${hours}`),
    `>${CLOSE_BUCKETS_H.at(-1)}${hours}`,
  ];
  return {
    grid: { ...grid(theme), left: theme === 'wall' ? 90 : 36 },
    tooltip: {},
    xAxis: { type: 'category', data: labels, ...axis(theme) },
    yAxis: { type: 'value', minInterval: 1, ...axis(theme) },
    series: [{ type: 'bar', data: counts, barMaxWidth: theme === 'wall' ? 60 : 24 }],
  };
}
