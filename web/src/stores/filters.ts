import { defineStore } from 'pinia';
import { reactive } from 'vue';
import type {
  Category,
  IncidentState,
  IncidentSummary,
  Severity,
  Source,
} from '../../../shared/domain/incidents.js';

/** One set of filters for the map, the lists and the charts alike. */
export interface IncidentFilter {
  categories: Category[];
  severities: Severity[];
  states: IncidentState[];
  sources: Source[];
  /** Only incidents reported within this many hours; 0 for any time. */
  withinHours: number;
}

/**
 * The filter as a plain predicate, built once per pass: reading the reactive filter for each of
 * 20,000 incidents would cost more than the test itself.
 */
export function incidentPredicate(f: IncidentFilter, now: number): (i: IncidentSummary) => boolean {
  const set = <T>(values: T[]) => (values.length ? new Set(values) : undefined);
  const categories = set(f.categories);
  const severities = set(f.severities);
  const states = set(f.states);
  const sources = set(f.sources);
  const since = f.withinHours ? new Date(now - f.withinHours * 3_600_000).toISOString() : undefined;
  return (i) =>
    (!categories || categories.has(i.category)) &&
    (!severities || severities.has(i.severity)) &&
    (!states || states.has(i.state)) &&
    (!sources || sources.has(i.source)) &&
    (!since || i.reportedAt >= since);
}

/** Whether the filter leaves anything out: views drawn from it then say so. */
export function isFiltering(f: IncidentFilter): boolean {
  return (
    f.categories.length + f.severities.length + f.states.length + f.sources.length > 0 ||
    f.withinHours > 0
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
