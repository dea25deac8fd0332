export type { EChartsCoreOption } from 'echarts/core';

export type ChartTheme = 'wall' | 'desk';

/** The two looks: dark and large for the wall, light and compact for the desk. */
export const THEMES: Record<
  ChartTheme,
  { text: string; axis: string; split: string; font: number; palette: string[] }
> = {
  wall: {
    text: '#d7e3ff',
    axis: '#4a5d85',
    split: '#1c2a47',
    font: 34,
    palette: ['#3aa0ff', '#46d39a', '#f5c542', '#ff8a3d', '#ff6b6b', '#b388ff', '#4dd0e1'],
  },
  desk: {
    text: '#2b3a55',
    axis: '#9aa8c0',
    split: '#e6ebf3',
    font: 12,
    palette: ['#1f6fd1', '#1aa372', '#d49b00', '#e0661f', '#d93b3b', '#7d4fd6', '#0097a7'],
  },
};
