import { ALL_DAY, type TourSchedule } from '../../../shared/domain/video-patrols.js';
import type { Locale, MessageKey } from '../i18n/index.js';

const WEEKDAYS = [1, 2, 3, 4, 5] as const;

/** A schedule in a few words: 工作日 07:00–09:30, 周一三五 22:00–06:00, 仅手动. */
export function scheduleText(
  schedule: TourSchedule | null,
  t: (key: MessageKey) => string,
  locale: Locale,
): string {
  if (!schedule) return t('videoPatrol.manualOnly');
  const days = [...schedule.days].sort();
  const named =
    days.length === 7
      ? t('videoPatrol.everyDay')
      : days.length === 5 && WEEKDAYS.every((d, i) => days[i] === d)
        ? t('videoPatrol.workdays')
        : (locale === 'zh-CN' ? '周' : '') +
          days
            .map((d) => t(`videoPatrol.weekday.${d}` as MessageKey))
            .join(locale === 'zh-CN' ? '' : ' ');
  const hours =
    schedule.from === ALL_DAY.from && schedule.to === ALL_DAY.to
      ? t('videoPatrol.allDay')
      : `${schedule.from}–${schedule.to}`;
  return `${named} ${hours}`;
}
