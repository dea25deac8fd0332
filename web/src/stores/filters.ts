import { defineStore } from 'pinia';
import { reactive } from 'vue';
import type {
  Category,
  IncidentState,
  IncidentSummary,
  Severity,
  Source,
} from '../../../shared/index.js';

/** One set of filters for the map, the lists and the charts alike. */
export interface IncidentFilter {
  categories: Category[];
  severities: Severity[];
  states: IncidentState[];
  sources: Source[];
  /** Only incidents reported within this many hours; 0 for any time. */
  withinHours: number;
}

export function incidentMatches(f: IncidentFilter, i: IncidentSummary, now: number): boolean {
  return (
    (!f.categories.length || f.categories.includes(i.category)) &&
    (!f.severities.length || f.severities.includes(i.severity)) &&
    (!f.states.length || f.states.includes(i.state)) &&
    (!f.sources.length || f.sources.includes(i.source)) &&
    (!f.withinHours || now - Date.parse(i.reportedAt) <= f.withinHours * 3_600_000)
  );
}

export const useFiltersStore = defineStore('filters', () => {
  const filter = reactive<IncidentFilter>({
    categories: [],
    severities: [],
    states: [],
    sources: [],
    withinHours: 0,
  });
  return { filter };
});
