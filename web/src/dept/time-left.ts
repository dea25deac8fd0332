import type { MessageKey } from '../i18n/index.js';

/** Within this of its deadline an incident is warned about (即将超期), softly. */
export const SOON_MS = 10 * 60_000;

export type Urgency = 'none' | 'ok' | 'soon' | 'overdue';

/** How pressing a deadline is at `now`. */
export function urgency(dueAt: number | null, now: number): Urgency {
  if (dueAt === null) return 'none';
  const left = dueAt - now;
  return left <= 0 ? 'overdue' : left <= SOON_MS ? 'soon' : 'ok';
}

/** The unit templates of a locale: `{d}`, `{h}`, `{m}` and `{s}` are filled in. */
export interface SpanWords {
  dayHour: string;
  hourMinute: string;
  minute: string;
}

/**
 * A span of time as a person at the desk reads it: days and hours, hours and minutes, minutes,
 * and in the last ten minutes a running m:ss, since that is when the seconds matter.
 */
export function formatSpan(ms: number, words: SpanWords): string {
  const abs = Math.abs(ms);
  if (abs < SOON_MS) {
    const s = Math.floor(abs / 1000);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  }
  const minutes = Math.floor(abs / 60_000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d) return words.dayHour.replace('{d}', String(d)).replace('{h}', String(h));
  if (h)
    return words.hourMinute.replace('{h}', String(h)).replace('{m}', String(m).padStart(2, '0'));
  return words.minute.replace('{m}', String(m));
}

/** "剩余…" or "超期…" for a deadline, in the screen's words; '' when none runs. */
export function deadlineText(
  dueAt: number | null,
  now: number,
  t: (key: MessageKey) => string,
): string {
  if (dueAt === null) return '';
  const words: SpanWords = {
    dayHour: t('dept.dayHour'),
    hourMinute: t('dept.hourMinute'),
    minute: t('dept.minute'),
  };
  const left = dueAt - now;
  return t(left <= 0 ? 'dept.late' : 'dept.left').replace('{t}', formatSpan(left, words));
}
