// ECharts, imported piece by piece so the wall loads only the charts it draws, and only on
// demand (useChart imports this module when a chart mounts): screens render before it arrives.
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, LineChart, GridComponent, TooltipComponent, CanvasRenderer]);

export { init };
