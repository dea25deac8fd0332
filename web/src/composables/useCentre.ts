import { computed, type ComputedRef } from 'vue';
import type { IncidentSummary } from '../../../shared/domain/incidents.js';
import {
  CENTRE_LEVELS,
  DEFAULT_LEVEL_RULES,
  holdingLevel,
  regionAt,
  type CentreLevel,
  type LevelRules,
} from '../../../shared/domain/levels.js';
import { useI18n } from '../i18n/index.js';
import { useCityStore } from '../stores/city.js';
import { useSessionStore } from '../stores/session.js';

/** The centre a screen works for: the city's, or a sub-centre's (五级联动). */
export interface Centre {
  /** The sub-centre's region; absent for the city's centre. */
  regionId?: string;
  level: CentreLevel;
  /** Its region's name (滨江街道), or the city's (云溪市). */
  name: string;
  /** The server's level rules; the documented defaults until the client config loads. */
  rules: LevelRules;
}

/**
 * The signed-in user's (or wall's) centre, from the session's `regionId` and the city's regions.
 * Until the regions load, a scoped user counts as a community's, the level the server assumes
 * too, so the desk never offers more than the rules allow.
 */
export function useCentre(): ComputedRef<Centre> {
  const session = useSessionStore();
  const city = useCityStore();
  return computed(() => {
    const regionId = session.binding.regionId;
    const rules = city.config?.levels ?? DEFAULT_LEVEL_RULES;
    if (!regionId) {
      const name = city.config?.city.name ?? city.regionById.get('city')?.name ?? '';
      return { level: 'city', name, rules };
    }
    const region = city.regionById.get(regionId);
    const level = CENTRE_LEVELS.find((l) => l === region?.level) ?? 'community';
    return { regionId, level, name: region?.name ?? regionId, rules };
  });
}

/**
 * A centre's full name from its region's (滨江街道 → 滨江街道综治中心), and the name of the
 * centre holding an incident (承办).
 */
export function useCentreNames() {
  const { t } = useI18n();
  const city = useCityStore();
  const centreName = (regionName: string) => t('centre.name').replace('{name}', regionName);
  function holderName(
    incident: Pick<IncidentSummary, 'centreLevel' | 'communityId' | 'streetId' | 'districtId'>,
  ): string {
    const level = holdingLevel(incident);
    const name =
      level === 'city'
        ? (city.config?.city.name ?? '')
        : (city.regionById.get(regionAt(incident, level))?.name ?? regionAt(incident, level));
    return centreName(name);
  }
  return { centreName, holderName };
}
