import type { TimelineEntry } from '../../../shared/domain/incidents.js';
import { CENTRE_LEVELS } from '../../../shared/domain/levels.js';
import type { MessageKey } from '../i18n/index.js';

type T = (key: MessageKey) => string;

/**
 * How a timeline entry reads: its action, and for the moves between levels where it went
 * (社区 → 街道), so the trail shows who held the matter when.
 */
export function timelineText(entry: TimelineEntry, t: T): string {
  const level = (value: unknown) =>
    CENTRE_LEVELS.find((l) => l === value) ? t(`centre.level.${value as 'city'}`) : '';
  const d = entry.detail ?? {};
  const route = (from: unknown, to: unknown) =>
    [level(from), level(to)].filter(Boolean).join(' → ');
  switch (entry.action) {
    case 'escalate':
    case 'assign-down':
      return join(t(`action.${entry.action}`), route(d.from, d.to));
    case 'take':
      // With a `from` it was taken up (上收) from a level below; else a handover was taken.
      return d.from
        ? join(t('centre.takeUp'), route(d.from, d.to))
        : join(t('action.take'), level(d.to));
    case 'overdue':
      return d.step === 'take'
        ? join(t('centre.takeTimeout'), level(d.level))
        : t('action.overdue');
    default:
      return t(`action.${entry.action}`);
  }
}

function join(label: string, rest: string): string {
  return rest ? `${label} · ${rest}` : label;
}
