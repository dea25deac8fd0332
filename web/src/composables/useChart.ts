import { onBeforeUnmount, onMounted, watch, type Ref } from 'vue';
import type { init } from '../charts/echarts.js';
import { THEMES, type ChartTheme, type EChartsCoreOption } from '../charts/themes.js';

/**
 * Draws an ECharts option into an element and keeps it current: re-renders when the option's
 * inputs change, resizes with its box, and releases everything on unmount (the wall runs for weeks).
 * ECharts itself loads with the first chart, so the screen renders without waiting for it.
 */
export function useChart(
  el: Ref<HTMLElement | undefined>,
  theme: ChartTheme,
  option: () => EChartsCoreOption,
): void {
  let chart: ReturnType<typeof init> | undefined;
  let resize: ResizeObserver | undefined;
  let unmounted = false;
  /** What the chart draws, to tell a new option from the same figures in a new object. */
  let drawn = '';
  onMounted(async () => {
    const echarts = await import('../charts/echarts.js');
    if (unmounted) return;
    const t = THEMES[theme];
    chart = echarts.init(el.value!, undefined, { renderer: 'canvas' });
    const first = option();
    drawn = JSON.stringify(first);
    chart.setOption({
      color: t.palette,
      textStyle: { color: t.text, fontSize: t.font, fontFamily: 'Noto Sans CJK SC, sans-serif' },
      animationDuration: 300,
      // A live chart changes every few seconds; an update animation would keep it redrawing.
      animationDurationUpdate: 0,
      ...first,
    });
    resize = new ResizeObserver(() => chart?.resize());
    resize.observe(el.value!);
  });
  // Only what changed, drawn at the next frame, not inside Vue's update of the screen around it:
  // the street ranking comes with every KPI push, and an ECharts update costs tens of
  // milliseconds even for the same figures.
  watch(option, (next) => {
    const json = JSON.stringify(next);
    if (!chart || json === drawn) return;
    drawn = json;
    chart.setOption(next, { lazyUpdate: true });
  });
  onBeforeUnmount(() => {
    unmounted = true;
    resize?.disconnect();
    chart?.dispose();
  });
}
