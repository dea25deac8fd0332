import { onBeforeUnmount, onMounted, watch, type Ref } from 'vue';
import { init, THEMES, type ChartTheme, type EChartsCoreOption } from '../charts/echarts.js';

/**
 * Draws an ECharts option into an element and keeps it current: re-renders when the option's
 * inputs change, resizes with its box, and releases everything on unmount (the wall runs for weeks).
 */
export function useChart(
  el: Ref<HTMLElement | undefined>,
  theme: ChartTheme,
  option: () => EChartsCoreOption,
): void {
  let chart: ReturnType<typeof init> | undefined;
  let resize: ResizeObserver | undefined;
  onMounted(() => {
    const t = THEMES[theme];
    chart = init(el.value!, undefined, { renderer: 'canvas' });
    chart.setOption({
      color: t.palette,
      textStyle: { color: t.text, fontSize: t.font, fontFamily: 'Noto Sans CJK SC, sans-serif' },
      animationDuration: 300,
      ...option(),
    });
    resize = new ResizeObserver(() => chart?.resize());
    resize.observe(el.value!);
  });
  watch(option, (next) => chart?.setOption(next));
  onBeforeUnmount(() => {
    resize?.disconnect();
    chart?.dispose();
  });
}
