import { computed } from 'vue';
import type { Warning } from '../../../shared/domain/warnings.js';
import { useCentreTime } from '../composables/useCentreTime.js';
import { useI18n } from '../i18n/index.js';
import { useCamerasStore } from '../stores/cameras.js';
import { useCityStore } from '../stores/city.js';
import { warningSentence, warningStateText, type WarningNames } from './text.js';

/**
 * A warning's sentence and state in the screen's locale, with departments and cameras named from
 * the city's data (the camera list is loaded if nobody has yet).
 */
export function useWarningText() {
  const { t } = useI18n();
  const city = useCityStore();
  const cameras = useCamerasStore();
  const { offset } = useCentreTime();
  void cameras.load().catch(() => undefined);
  const departments = computed(() => new Map(city.departments.map((d) => [d.id, d.name])));
  const names: WarningNames = {
    department: (id) => departments.value.get(id),
    camera: (id) => cameras.byId.get(id)?.name,
    region: (id) => city.regionById.get(id)?.name,
  };
  return {
    names,
    sentence: (w: Warning) => warningSentence(w, t, names),
    state: (w: Warning, now: number) => warningStateText(w, t, now, offset()),
  };
}
