import ExcelJS from 'exceljs';
import type { RankingAnswer, StatsAnswer } from '../../shared/index.js';

export const EXPORT_TABLES = ['breakdown', 'departments', 'trend', 'ranking'] as const;
export type ExportTable = (typeof EXPORT_TABLES)[number];
export type ExportLang = 'zh-CN' | 'en';

type Cell = string | number | null;
interface Column {
  zh: string;
  en: string;
  /** 'pct' shows a 0..1 rate as a percentage; 'h' hours with one decimal. */
  format?: 'pct' | 'h';
}

const pct = (zh: string, en: string): Column => ({ zh, en, format: 'pct' });

const FIGURE_COLUMNS: [keyof StatsAnswer['breakdown'][number]['figures'], Column][] = [
  ['intake', { zh: '受理量', en: 'Received' }],
  ['closed', { zh: '办结数', en: 'Closed' }],
  ['closeRate', pct('办结率', 'Close rate')],
  ['onTimeRate', pct('按时办结率', 'On-time rate')],
  ['overdue', { zh: '超期数', en: 'Overdue' }],
  ['meanCloseHours', { zh: '平均办结时长(小时)', en: 'Mean hours to close', format: 'h' }],
  ['p90CloseHours', { zh: 'P90办结时长(小时)', en: 'P90 hours to close', format: 'h' }],
  ['satisfaction', pct('满意率', 'Satisfaction')],
  ['disputeResolveRate', pct('矛盾纠纷化解率', 'Disputes settled')],
  ['repeatRate', pct('重复投诉率', 'Repeat rate')],
  ['immediateRate', pct('即办率', 'Settled at once')],
  ['selfHandledRate', pct('自行处置率', 'Self-handled')],
];

/**
 * One table of the statistics as an XLSX workbook (exceljs): a title row naming the area and
 * the period, the header, the rows, rates as percentages Excel understands.
 */
export async function workbookOf(
  table: ExportTable,
  lang: ExportLang,
  stats: StatsAnswer | undefined,
  ranking: RankingAnswer | undefined,
): Promise<Buffer> {
  const zh = lang === 'zh-CN';
  const t = (c: Column) => (zh ? c.zh : c.en);
  let columns: Column[];
  let rows: Cell[][];
  let title: string;
  const period = (stats ?? ranking)!.period;
  const span = `${period.from} ~ ${period.to}`;
  if (table === 'ranking' && ranking) {
    const indicators = ranking.areas[0]?.parts ?? [];
    columns = [
      { zh: '排名', en: 'Rank' },
      {
        zh: ranking.level === 'street' ? '街道' : '社区',
        en: ranking.level === 'street' ? 'Street' : 'Community',
      },
      { zh: '指数', en: 'Index', format: 'h' },
      { zh: '受理量', en: 'Received' },
      ...indicators.map((p) => ({
        zh: `${p.figure}（得分）`,
        en: `${p.figure} (points)`,
        format: 'h' as const,
      })),
    ];
    rows = ranking.areas.map((a) => [
      a.rank,
      a.name,
      a.score,
      a.intake,
      ...a.parts.map((p) => p.points),
    ]);
    title = zh ? `指数排行 ${span}` : `Index ranking ${span}`;
  } else if (table === 'departments' && stats) {
    columns = [
      { zh: '部门', en: 'Department' },
      { zh: '派单数', en: 'Sent' },
      { zh: '签收数', en: 'Taken on' },
      pct('按时签收率', 'Taken on in time'),
      { zh: '办结数', en: 'Finished' },
      pct('按时办结率', 'Finished on time'),
      pct('退回率', 'Returned'),
      pct('满意率', 'Satisfaction'),
    ];
    rows = stats.departments.map((d) => [
      d.name,
      d.figures.assigned,
      d.figures.responded,
      d.figures.respondOnTimeRate,
      d.figures.finished,
      d.figures.finishOnTimeRate,
      d.figures.returnRate,
      d.figures.satisfaction,
    ]);
    title = zh ? `${stats.area.name} 部门考核 ${span}` : `${stats.area.name} departments ${span}`;
  } else if (table === 'trend' && stats) {
    columns = [
      { zh: '日期', en: 'Day' },
      { zh: '受理量', en: 'Received' },
      { zh: '办结数', en: 'Closed' },
      pct('办结率', 'Close rate'),
      pct('按时办结率', 'On-time rate'),
      { zh: '超期数', en: 'Overdue' },
      pct('满意率', 'Satisfaction'),
    ];
    rows = stats.trend.map((d) => [
      d.day,
      d.intake,
      d.closed,
      d.closeRate,
      d.onTimeRate,
      d.overdue,
      d.satisfaction,
    ]);
    title = zh ? `${stats.area.name} 逐日趋势 ${span}` : `${stats.area.name} by day ${span}`;
  } else if (stats) {
    columns = [{ zh: '区域', en: 'Area' }, ...FIGURE_COLUMNS.map(([, c]) => c)];
    rows = [
      ...stats.breakdown.map((b) => [b.name, ...FIGURE_COLUMNS.map(([k]) => b.figures[k])]),
      [zh ? '合计' : 'Total', ...FIGURE_COLUMNS.map(([k]) => stats.figures.current[k])],
    ];
    title = zh ? `${stats.area.name} 分区统计 ${span}` : `${stats.area.name} by area ${span}`;
  } else {
    throw new Error(`no data for table ${table}`);
  }

  const book = new ExcelJS.Workbook();
  book.creator = 'city-brain';
  const sheet = book.addWorksheet(zh ? '统计' : 'Statistics');
  sheet.addRow([title]).font = { bold: true, size: 14 };
  const header = sheet.addRow(columns.map(t));
  header.font = { bold: true };
  for (const row of rows) sheet.addRow(row.map((v) => (v === null ? '' : v)));
  columns.forEach((c, i) => {
    const column = sheet.getColumn(i + 1);
    column.width = Math.max(10, t(c).length * (zh ? 2.2 : 1.2));
    if (c.format === 'pct') column.numFmt = '0.0%';
    if (c.format === 'h') column.numFmt = '0.0';
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}
