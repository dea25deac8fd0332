import { RATE_FIGURES as RATES, type Figures } from '../../../shared/index.js';

/** Figures that are rates (0..1), shown as percentages. */
export const RATE_FIGURES = new Set<keyof Figures>(RATES);
/** Figures where less is better: an increase is shown in the warning colour. */
export const LOWER_IS_BETTER = new Set<keyof Figures>([
  'overdue',
  'repeatRate',
  'meanCloseHours',
  'p90CloseHours',
  'open',
]);
export const HOUR_FIGURES = new Set<keyof Figures>(['meanCloseHours', 'p90CloseHours']);

/** A rate of a table cell: 93.4%, or a dash. */
export function formatRate(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)}%`;
}

/** A figure as the screen shows it: 93.4 %, 1,234, 5.2 (hours); a dash where there is none. */
export function formatFigure(key: keyof Figures, value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (RATE_FIGURES.has(key)) return `${(value * 100).toFixed(1)}%`;
  if (HOUR_FIGURES.has(key)) return value.toFixed(1);
  return value.toLocaleString('zh-CN');
}

export type Direction = 'up' | 'down' | 'flat' | 'none';

/**
 * A change against a base: for rates the difference in percentage points, for counts and hours
 * the relative change. `good` says whether the move is for the better.
 */
export function change(
  key: keyof Figures,
  now: number | null,
  base: number | null,
): { text: string; direction: Direction; good: boolean | null } {
  if (now === null || base === null || (!RATE_FIGURES.has(key) && base === 0))
    return { text: '', direction: 'none', good: null };
  const diff = now - base;
  const direction: Direction = Math.abs(diff) < 1e-9 ? 'flat' : diff > 0 ? 'up' : 'down';
  const better = LOWER_IS_BETTER.has(key) ? diff < 0 : diff > 0;
  const text = RATE_FIGURES.has(key)
    ? `${diff >= 0 ? '+' : ''}${(diff * 100).toFixed(1)}pt`
    : `${diff >= 0 ? '+' : ''}${((diff / base) * 100).toFixed(1)}%`;
  return { text, direction, good: direction === 'flat' ? null : better };
}

/** A change as a screen says it: ↑ +5.0pt, ↓ -3.1%, → +0.0pt; `none` where there is no base. */
export function changeText(
  key: keyof Figures,
  now: number | null,
  base: number | null,
  none: string,
): string {
  const d = change(key, now, base);
  if (d.direction === 'none') return none;
  return `${d.direction === 'up' ? '↑' : d.direction === 'down' ? '↓' : '→'} ${d.text}`;
}
