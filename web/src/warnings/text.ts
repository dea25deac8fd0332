import { CATEGORIES } from '../../../shared/domain/vocabulary.js';
import { centreClock, centreDay } from '../../../shared/index.js';
import type { Warning } from '../../../shared/domain/warnings.js';
import type { MessageKey } from '../i18n/index.js';

type T = (key: MessageKey) => string;

/** Names the facts refer to by id, from the city's reference data; undefined when not known. */
export interface WarningNames {
  department(id: string): string | undefined;
  camera(id: string): string | undefined;
  /** A region's name: a grid's, for a surge. */
  region(id: string): string | undefined;
}

const fill = (text: string, values: Record<string, string>) =>
  text.replace(/\{(\w+)\}/g, (all, name: string) => values[name] ?? all);

/** A figure the rule should have filled in; a dash rather than "undefined" if it did not. */
const figure = (n: number | undefined) => (n === undefined ? '—' : String(n));

/**
 * What a warning says, as one sentence in the locale of `t`: its rule's template with the facts
 * put in, ids named (a department, a camera) and a category in the locale's words. An id the
 * city data does not name (not loaded yet, or removed) is shown as it is.
 */
export function warningSentence(
  w: Pick<Warning, 'rule' | 'facts' | 'area'>,
  t: T,
  names: WarningNames,
): string {
  const f = w.facts;
  const template = t(`warning.text.${w.rule}`);
  switch (w.rule) {
    case 'group-risk':
      return fill(template, { incidentTitle: f.incidentTitle ?? '—' });
    case 'repeat-matter': {
      const known = CATEGORIES.find((c) => c === f.category);
      return fill(template, {
        category: known ? t(`category.${known}`) : (f.category ?? '—'),
        count: figure(f.count),
        radiusM: figure(f.radiusM),
        days: figure(f.days),
      });
    }
    case 'department-overdue':
      return fill(template, {
        department: f.departmentId ? (names.department(f.departmentId) ?? f.departmentId) : '—',
        count: figure(f.count),
      });
    case 'key-camera-offline':
      return fill(template, {
        camera: f.cameraId ? (names.camera(f.cameraId) ?? f.cameraId) : '—',
        placeName: f.placeName ?? '—',
      });
    case 'grid-surge': {
      const gridId = w.area?.gridId;
      return fill(template, {
        grid: gridId ? (names.region(gridId) ?? gridId) : '—',
        count: figure(f.count),
        // A weekly mean: one decimal at most (2.3, not 2.3333).
        baseline: f.baseline === undefined ? '—' : String(Math.round(f.baseline * 10) / 10),
        weeks: figure(f.weeks),
      });
    }
    default:
      // A rule from a newer server: its name, as the server spelt it.
      return String((w as { rule: string }).rule);
  }
}

/**
 * A time on a warning, short: the hour and minute today, with the date on another day, on the
 * centre's clock (its offset from UTC, minutes) whatever the screen's own zone.
 */
export function shortTime(iso: string, now: number, offsetMinutes: number): string {
  const ms = Date.parse(iso);
  const at = centreClock(ms, offsetMinutes);
  const hm = at.slice(11);
  if (centreDay(ms, offsetMinutes) === centreDay(now, offsetMinutes)) return hm;
  return `${Number(at.slice(5, 7))}/${Number(at.slice(8, 10))} ${hm}`;
}

/** Its state in words: 待确认, 已确认 with who and when, 已解除. */
export function warningStateText(w: Warning, t: T, now: number, offsetMinutes: number): string {
  if (w.state === 'acknowledged' && w.acknowledged)
    return fill(t('warning.acknowledgedBy'), {
      name: w.acknowledged.name,
      time: shortTime(w.acknowledged.at, now, offsetMinutes),
    });
  if (w.state === 'resolved' && w.resolved)
    return fill(t('warning.resolvedBy'), {
      name: w.resolved.name,
      time: shortTime(w.resolved.at, now, offsetMinutes),
    });
  return t(`warning.state.${w.state}`);
}

export { fill as fillWarningText };
