import type { Point } from 'geojson';
import { everyBeat, HALF_BEAT_MS } from '../composables/beat.js';
import type { MapLibreMap } from './maplibre.js';

/** At most this many rings move at once; the map's own static ring marks every one. */
const LIMIT = 40;
const RADIUS_PX = 22;
/** The ring grows in these steps, one every half-second beat: a blip, not a smooth animation. */
const STEPS = [
  { scale: 0.4, opacity: 0.95 },
  { scale: 0.7, opacity: 0.6 },
  { scale: 1, opacity: 0.25 },
] as const;
interface Ring {
  el: HTMLElement;
  at: [number, number];
}

/**
 * Pulsing rings over the new and overdue incidents in view, so they catch the eye. The map
 * itself stays still: repainting it five times a second (a paint property per beat) cost a
 * software-rendered wall most of its frames. Instead a few DOM rings sit over the map's canvas
 * and step outwards twice a second, on the screen's beat, one style change for all of them,
 * which repaints only the rings (a smooth animation would have the compositor draw the screen
 * sixty times a second).
 * They are placed again when the map moves and chosen again when it settles. A ring is red for
 * an overdue incident and white otherwise, unless `colourOf` says from the feature's properties.
 * Answers a function that removes them.
 */
export function attachPulse(
  map: MapLibreMap,
  layers: string[],
  colourOf: (properties: Record<string, unknown>) => string = (p) =>
    p.overdue === true ? '#ff3b3b' : '#ffffff',
): () => void {
  const overlay = document.createElement('div');
  overlay.style.cssText = 'position:absolute;inset:0;overflow:hidden;pointer-events:none';
  map.getCanvasContainer().appendChild(overlay);
  let rings: Ring[] = [];
  let step = 0;
  const stopBeat = everyBeat(HALF_BEAT_MS, () => {
    if (!rings.length) return;
    step = (step + 1) % STEPS.length;
    overlay.style.setProperty('--pulse-scale', String(STEPS[step]!.scale));
    overlay.style.setProperty('--pulse-opacity', String(STEPS[step]!.opacity));
  });

  const place = () => {
    for (const r of rings) {
      const p = map.project(r.at);
      r.el.style.transform = `translate(${p.x}px, ${p.y}px)`;
    }
  };
  const choose = () => {
    const wanted = new Map<string, { at: [number, number]; colour: string }>();
    for (const f of map.queryRenderedFeatures({ layers })) {
      const id = String(f.properties.id);
      if (wanted.has(id)) continue;
      const at = (f.geometry as Point).coordinates as [number, number];
      wanted.set(id, { at, colour: colourOf(f.properties) });
      if (wanted.size === LIMIT) break;
    }
    const next: Ring[] = [];
    for (const { at, colour } of wanted.values()) {
      const el = rings.pop()?.el ?? ring(overlay);
      el.style.setProperty('--ring', colour);
      next.push({ el, at });
    }
    for (const r of rings) r.el.remove();
    rings = next;
    place();
  };
  map.on('move', place);
  map.on('idle', choose);
  return () => {
    stopBeat();
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
    'box-sizing:border-box;border:3px solid var(--ring);border-radius:50%;' +
    `transform:scale(var(--pulse-scale, ${STEPS[0].scale}));` +
    `opacity:var(--pulse-opacity, ${STEPS[0].opacity})`;
  el.appendChild(circle);
  parent.appendChild(el);
  return el;
}
