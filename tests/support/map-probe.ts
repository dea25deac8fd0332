// Reads the MapLibre map of a page from end-to-end tests, without a hook in the app: an init
// script notes every object that sets its `_container` and looks like a MapLibre Map (MapLibre
// assigns `this._container = …` in the Map constructor, a plain assignment that a setter on
// Object.prototype sees first). The setter then gives the object its own property, so nothing
// else changes. If MapLibre ever stops assigning it so, `waitForMap` says the map was not found.
import type { Page } from 'playwright-core';

declare global {
  interface Window {
    __testMaps?: unknown[];
  }
}

/** Call before the page's first navigation. */
export async function captureMaps(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const maps: unknown[] = (window.__testMaps = []);
    Object.defineProperty(Object.prototype, '_container', {
      configurable: true,
      get() {
        return undefined;
      },
      set(this: object, value: unknown) {
        Object.defineProperty(this, '_container', {
          value,
          writable: true,
          enumerable: true,
          configurable: true,
        });
        const self = this as { queryRenderedFeatures?: unknown; project?: unknown };
        if (typeof self.queryRenderedFeatures === 'function' && typeof self.project === 'function')
          maps.push(this);
      },
    });
  });
}

/**
 * Waits until the page's (one, live) map holds its layers and has drawn everything it has:
 * `.city-map[data-ready=true]`, then MapLibre's own `idle` state.
 */
export async function waitForMap(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForSelector('.city-map[data-ready=true]', { state: 'attached', timeout });
  const found = await page.evaluate(() => window.__testMaps?.length ?? 0);
  if (!found) throw new Error('the MapLibre map was not captured (see tests/support/map-probe.ts)');
  await page.waitForFunction(
    () => {
      type M = { loaded(): boolean; isMoving(): boolean; areTilesLoaded(): boolean };
      const map = window.__testMaps!.at(-1) as M;
      return map.loaded() && !map.isMoving() && map.areTilesLoaded();
    },
    undefined,
    { timeout, polling: 100 },
  );
}

export interface Probe {
  zoom: number;
  /** The map's container in CSS pixels, before any transform that enlarges it. */
  size: [number, number];
  /** Each point: its pixel on the map, and the ids of the features of `layers` drawn there. */
  points: { pixel: [number, number]; ids: string[] }[];
}

/**
 * Projects each point and asks MapLibre which features of `layers` it rendered within `radius`
 * pixels of it (queryRenderedFeatures), in the map's own pixels.
 */
export function probeMap(
  page: Page,
  points: [number, number][],
  layers: string[],
  radius = 0,
): Promise<Probe> {
  return page.evaluate(
    ({ points, layers, radius }) => {
      type Feature = { properties: { id?: string } };
      type M = {
        getZoom(): number;
        getContainer(): HTMLElement;
        project(p: [number, number]): { x: number; y: number };
        getLayer(id: string): unknown;
        queryRenderedFeatures(
          g: [number, number] | [[number, number], [number, number]],
          o: { layers: string[] },
        ): Feature[];
      };
      const map = window.__testMaps!.at(-1) as M;
      const present = layers.filter((l) => map.getLayer(l));
      const container = map.getContainer();
      return {
        zoom: map.getZoom(),
        size: [container.clientWidth, container.clientHeight] as [number, number],
        points: points.map((p) => {
          const { x, y } = map.project(p);
          const box: [[number, number], [number, number]] = [
            [x - radius, y - radius],
            [x + radius, y + radius],
          ];
          const features = map.queryRenderedFeatures(radius ? box : [x, y], { layers: present });
          return {
            pixel: [x, y] as [number, number],
            ids: [...new Set(features.map((f) => String(f.properties.id)))],
          };
        }),
      };
    },
    { points, layers, radius },
  );
}

/** Moves the map (no animation) and waits until it has drawn there. */
export async function jumpMap(
  page: Page,
  center: [number, number],
  zoom: number,
  timeout = 30_000,
): Promise<void> {
  await page.evaluate(
    ({ center, zoom }) => {
      type M = { jumpTo(o: { center: [number, number]; zoom: number }): void };
      (window.__testMaps!.at(-1) as M).jumpTo({ center, zoom });
    },
    { center, zoom },
  );
  await page.waitForFunction(
    () => {
      type M = { loaded(): boolean; isMoving(): boolean; areTilesLoaded(): boolean };
      const map = window.__testMaps!.at(-1) as M;
      return map.loaded() && !map.isMoving() && map.areTilesLoaded();
    },
    undefined,
    { timeout, polling: 100 },
  );
}
