import type { GeoJSONSource, MapLibreMap } from './maplibre.js';

/**
 * Draws circle layers that start empty once, at the map's centre and all but transparent, so
 * that MapLibre compiles their shaders at start. It compiles a layer's shaders the first time the
 * layer draws something: for the outline ring, that was when the wall first singled out an
 * incident, and the compile held the main thread 200–900 ms (bench:web, software rendering) just
 * as something grave came in. A stroke's opacity is a uniform, not part of the shader, so
 * lowering it for this draw compiles the very shaders the layers use later. `done` is called once
 * the map has drawn it, with the layers' opacity back, to empty the source again.
 */
export function warmUpCircleLayers(
  map: MapLibreMap,
  sourceId: string,
  layers: readonly string[],
  done: () => void,
): void {
  const opacity = layers.map((id) => map.getPaintProperty(id, 'circle-stroke-opacity'));
  for (const id of layers) map.setPaintProperty(id, 'circle-stroke-opacity', 0.01);
  map.getSource<GeoJSONSource>(sourceId)?.setData({
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: {},
        geometry: { type: 'Point', coordinates: map.getCenter().toArray() },
      },
    ],
  });
  map.once('idle', () => {
    layers.forEach((id, k) => map.setPaintProperty(id, 'circle-stroke-opacity', opacity[k]));
    done();
  });
}
