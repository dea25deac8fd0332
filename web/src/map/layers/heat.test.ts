import { describe, expect, it } from 'vitest';
import { heatFeatures, heatLayers, heatWeight, HEAT_SOURCE } from './heat.js';

describe('the heat map layer', () => {
  it('draws each incident point from its own source, hidden until chosen', () => {
    const [layer] = heatLayers();
    expect(layer).toMatchObject({ type: 'heatmap', source: HEAT_SOURCE });
    expect(layer!.layout).toEqual({ visibility: 'none' });
    const fc = heatFeatures([
      [112.9, 22.9],
      [113, 23],
    ]);
    expect(fc.features.map((f) => f.geometry.coordinates)).toEqual([
      [112.9, 22.9],
      [113, 23],
    ]);
  });

  it('weighs each incident less the more there are', () => {
    expect(heatWeight(100)).toBe(1);
    expect(heatWeight(30_000)).toBeCloseTo(0.05, 5);
    expect(heatWeight(1_000_000)).toBe(0.03);
  });
});
