import { onBeforeUnmount, onMounted, shallowRef, watch, type Ref } from 'vue';
import { useI18n } from '../i18n/index.js';
import { useAlarm, unlockAudio } from './alarm.js';
import { ALERT_RANK, createAlertWatch, type DeptAlert } from './alerts.js';
import type { DeptRow } from './queue.js';
import { deadlineText } from './time-left.js';

const GESTURES = ['click', 'keydown'] as const;
/** Banners kept on screen at once; older ones give way. */
const MAX_BANNERS = 4;
/** More alerts than this at once make one notification, not a stack of them. */
const MAX_NOTIFICATIONS = 3;

/**
 * Watches the department's rows on every tick of the clock and every change of the store, and
 * alerts each new case, near or passed deadline, 督办 and 催办 once: a banner on the page, a
 * sound and a browser notification (unless muted).
 */
export function useDeptAlerts(
  rows: Ref<DeptRow[]>,
  now: Ref<number>,
  loaded: Ref<boolean>,
  open: (incidentId: string) => void,
) {
  const { t } = useI18n();
  const alarm = useAlarm();
  const banners = shallowRef<DeptAlert[]>([]);
  const alertWatch = createAlertWatch();

  const label = (a: DeptAlert) =>
    t(a.kind === 'assigned' && a.whistle ? 'dept.alert.whistled' : `dept.alert.${a.kind}`);

  watch(
    [rows, now, loaded],
    () => {
      // Before the first snapshot an empty queue is no baseline: every case would look new.
      if (!loaded.value) return;
      const alerts = alertWatch.check(rows.value, now.value);
      if (!alerts.length) return;
      banners.value = [...alerts.slice().reverse(), ...banners.value].slice(0, MAX_BANNERS);
      alarm.sound(alerts.map((a) => a.kind));
      const worst = [...alerts].sort((a, b) => ALERT_RANK[b.kind] - ALERT_RANK[a.kind]);
      if (alerts.length > MAX_NOTIFICATIONS) {
        const first = worst[0]!;
        alarm.notify(
          `${label(first)}：${first.title}`,
          t('dept.more').replace('{n}', String(alerts.length - 1)),
          `dept-batch-${first.key}`,
          () => open(first.incidentId),
        );
      } else {
        for (const a of worst) {
          const row = rows.value.find((r) => r.incident.id === a.incidentId);
          alarm.notify(
            `${label(a)}：${a.title}`,
            row ? deadlineText(row.dueAt, now.value, t) : t('dept.notifyTitle'),
            a.key,
            () => open(a.incidentId),
          );
        }
      }
    },
    { immediate: true },
  );

  function dismiss(key: string): void {
    banners.value = banners.value.filter((b) => b.key !== key);
  }

  // The first click or key anywhere unlocks the sound, even if "开启提醒" was never pressed
  // (a click, not a pointerdown: Safari unlocks audio only on the end of a touch).
  const onGesture = () => {
    unlockAudio();
    for (const type of GESTURES) window.removeEventListener(type, onGesture);
  };
  onMounted(() => {
    for (const type of GESTURES) window.addEventListener(type, onGesture);
  });
  onBeforeUnmount(() => {
    for (const type of GESTURES) window.removeEventListener(type, onGesture);
  });

  return { banners, dismiss, label, alarm };
}
