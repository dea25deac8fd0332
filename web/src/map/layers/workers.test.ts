import { describe, expect, it } from 'vitest';
import { workerFeatures, workerLayers, WORKER_SOURCE } from './workers.js';

describe('the grid workers layer', () => {
  it('draws each worker on duty at their phone’s last position, named where known', () => {
    const fc = workerFeatures(
      [
        { id: 'w1', position: [120.1, 30.2], at: '2026-01-01T00:00:00Z' },
        { id: 'w2', position: [120.3, 30.4], at: '2026-01-01T00:00:00Z' },
      ],
      new Map([['w1', { name: '张网格' }]]),
    );
    expect(fc.features.map((f) => [f.properties, f.geometry.coordinates])).toEqual([
      [{ id: 'w1', name: '张网格' }, [120.1, 30.2]],
      [{ id: 'w2', name: '' }, [120.3, 30.4]],
    ]);
  });

  it('reads from its own source only', () => {
    expect(workerLayers().every((l) => 'source' in l && l.source === WORKER_SOURCE)).toBe(true);
  });
});
