import type { IncidentSummary } from '../../../shared/domain/incidents.js';
import type { Region } from '../../../shared/domain/regions.js';
import { isOverdue } from '../../../shared/workflow/apply.js';
import { isOpenState } from '../../../shared/workflow/rules.js';

export const CHOROPLETH_METRICS = ['none', 'open', 'overdue', 'perHouseholds'] as const;
export type ChoroplethMetric = (typeof CHOROPLETH_METRICS)[number];
/** The map's one selector (专题图): a choropleth, or the risk map of the warnings (layers/risk.ts). */
export const THEMATIC_MAPS = [...CHOROPLETH_METRICS, 'risk', 'heat'] as const;
export type ThematicMap = (typeof THEMATIC_MAPS)[number];

/**
 * Each region's share of the worst region at its level, 0-1, for the choropleth: open
 * incidents, overdue ones, or open incidents per 1,000 households.
 */
export function regionShares(
  metric: Exclude<ChoroplethMetric, 'none'>,
  incidents: Iterable<IncidentSummary>,
  regions: Map<string, Region>,
  now: Date,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const i of incidents) {
    if (!isOpenState(i.state)) continue;
    if (metric === 'overdue' && !isOverdue(i, now)) continue;
    for (const id of [i.gridId, i.communityId, i.streetId, i.districtId])
      counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const values = new Map<string, number>();
  for (const [id, region] of regions) {
    if (region.level === 'city') continue;
    const n = counts.get(id) ?? 0;
    values.set(
      id,
      metric === 'perHouseholds' ? (region.households ? (n * 1000) / region.households : 0) : n,
    );
  }
  const maxByLevel = new Map<string, number>();
  for (const [id, v] of values) {
    const level = regions.get(id)!.level;
    maxByLevel.set(level, Math.max(maxByLevel.get(level) ?? 0, v));
  }
  const shares = new Map<string, number>();
  for (const [id, v] of values) {
    const max = maxByLevel.get(regions.get(id)!.level) ?? 0;
    shares.set(id, max > 0 ? v / max : 0);
  }
  return shares;
}

/** The chain from the city down to a region, for the breadcrumb. */
export function regionPath(id: string | undefined, regions: Map<string, Region>): Region[] {
  const path: Region[] = [];
  for (
    let r = id ? regions.get(id) : undefined;
    r;
    r = r.parentId ? regions.get(r.parentId) : undefined
  ) {
    path.unshift(r);
  }
  return path;
}
