import type { IncidentSummary } from '../../../shared/domain/incidents.js';
import type { Department } from '../../../shared/domain/organisation.js';

type Place = Pick<IncidentSummary, 'gridId' | 'communityId' | 'streetId' | 'districtId'>;

/**
 * The departments a desk may send to a place: those serving its area first (its community's
 * station, its street's office), then the city's own, which serve everywhere. Another area's are
 * left out: the server refuses them (department_outside_area).
 */
export function departmentsFor(departments: readonly Department[], place: Place): Department[] {
  const areas = new Set([place.gridId, place.communityId, place.streetId, place.districtId]);
  const local: Department[] = [];
  const cityWide: Department[] = [];
  for (const d of departments) {
    const area = d.regionId ?? d.streetId;
    if (!area) cityWide.push(d);
    else if (areas.has(area)) local.push(d);
  }
  return [...local, ...cityWide];
}
