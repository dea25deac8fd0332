import type { City, IncidentSummary } from '../../shared/index.js';

/**
 * Regions that incidents on the live picture still name but the city package no longer has,
 * one line each, for the start-up log: an edited package must not make them vanish unnoticed.
 * The incidents keep the names they were reported with (Incident.areaNames).
 */
export function missingRegions(city: City, incidents: Iterable<IncidentSummary>): string[] {
  const known = new Set(city.regions.features.map((f) => f.properties.id));
  const missing = new Map<string, number>();
  for (const i of incidents) {
    for (const id of [i.gridId, i.communityId, i.streetId, i.districtId]) {
      if (!known.has(id)) missing.set(id, (missing.get(id) ?? 0) + 1);
    }
  }
  return [...missing].map(
    ([id, n]) =>
      `city package: region ${id} is not in the package, but ${n} incident${n === 1 ? '' : 's'} on the live picture name it; they keep the names they were reported with`,
  );
}
