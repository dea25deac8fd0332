import type { Metrics } from '../metrics.js';
import type { Store } from './store.js';

/**
 * The same store, with the latency of every commit and read recorded for /metrics as
 * histograms (`citybrain_store_{commit,read,query}_seconds`), and each commit's moment handed to
 * the fan-out latency, which ends when the hub broadcasts its deltas.
 */
export function instrumentStore(store: Store, metrics: Metrics): Store {
  const timed =
    <A extends unknown[], R>(op: string, fn: (...args: A) => Promise<R>) =>
    (...args: A) =>
      metrics.time(`citybrain_store_${op}_seconds`, `store ${op} latency`, () => fn(...args));
  const commit = timed('commit', store.commit);
  return {
    ...store,
    commit: async (...args) => {
      const deltas = await commit(...args);
      metrics.committed(deltas);
      return deltas;
    },
    getIncident: timed('read', store.getIncident),
    queryIncidents: timed('query', store.queryIncidents),
  };
}
