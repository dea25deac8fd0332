import type { Point } from 'geojson';
import type { MapLibreMap } from './maplibre.js';

/** At most this many rings move at once; the map's own static ring marks every one. */
const LIMIT = 40;
const PERIOD_MS = 1500;
const RADIUS_PX = 22;

interface Ring {
  el: HTMLElement;
  at: [number, number];
}

/**
 * Breathing rings over the new and overdue incidents in view, so they catch the eye. The map
 * itself stays still: repainting it five times a second (a paint property per beat) cost a
 * software-rendered wall most of its frames. Instead a few DOM rings sit over the map's canvas,
 * animated in transform and opacity only, which the compositor runs without the main thread or
 * the map; they are placed again when the map moves and chosen again when it settles.
 * Answers a function that removes them.
 */
export function attachPulse(map: MapLibreMap, layer: string): () => void {
  const overlay = document.createElement('div');
  overlay.style.cssText = 'position:absolute;inset:0;overflow:hidden;pointer-events:none';
  map.getCanvasContainer().appendChild(overlay);
  let rings: Ring[] = [];

  const place = () => {
    for (const r of rings) {
      const p = map.project(r.at);
      r.el.style.transform = `translate(${p.x}px, ${p.y}px)`;
    }
  };
  const choose = () => {
    const wanted = new Map<string, { at: [number, number]; overdue: boolean }>();
    for (const f of map.queryRenderedFeatures({ layers: [layer] })) {
      const id = String(f.properties.id);
      if (wanted.has(id)) continue;
      const at = (f.geometry as Point).coordinates as [number, number];
      wanted.set(id, { at, overdue: f.properties.overdue === true });
      if (wanted.size === LIMIT) break;
    }
    const next: Ring[] = [];
    for (const { at, overdue } of wanted.values()) {
      const el = rings.pop()?.el ?? ring(overlay);
      el.style.setProperty('--ring', overdue ? '#ff3b3b' : '#ffffff');
      next.push({ el, at });
    }
    for (const r of rings) r.el.remove();
    rings = next;
    place();
  };
  map.on('move', place);
  map.on('idle', choose);
  return () => {
    map.off('move', place);
    map.off('idle', choose);
    overlay.remove();
  };
}

function ring(parent: HTMLElement): HTMLElement {
  const el = document.createElement('div');
  el.style.cssText = 'position:absolute;left:0;top:0;width:0;height:0';
  const circle = document.createElement('div');
  const size = RADIUS_PX * 2;
  circle.style.cssText =
    `position:absolute;left:${-RADIUS_PX}px;top:${-RADIUS_PX}px;width:${size}px;height:${size}px;` +
    'box-sizing:border-box;border:3px solid var(--ring);border-radius:50%';
  el.appendChild(circle);
  parent.appendChild(el);
  const beat = circle.animate(
    [
      { transform: `scale(${8 / RADIUS_PX})`, opacity: 0.9 },
      { transform: 'scale(1)', opacity: 0 },
    ],
    { duration: PERIOD_MS, iterations: Infinity, easing: 'ease-out' },
  );
  // Every ring on the same beat, however late it joined.
  beat.startTime = 0;
  return el;
}
