import type { Metrics } from '../metrics.js';
import type { Store } from './store.js';

/** The same store, with the latency of every commit and read recorded for /metrics. */
export function instrumentStore(store: Store, metrics: Metrics): Store {
  const timed =
    <A extends unknown[], R>(op: string, fn: (...args: A) => Promise<R>) =>
    (...args: A) =>
      metrics.time(`citybrain_store_${op}_seconds`, `store ${op} latency`, () => fn(...args));
  return {
    ...store,
    commit: timed('commit', store.commit),
    getIncident: timed('read', store.getIncident),
    queryIncidents: timed('query', store.queryIncidents),
  };
}
