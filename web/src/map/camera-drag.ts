import type { MapLayerMouseEvent, MapLayerTouchEvent } from 'maplibre-gl';
import type { MapLibreMap } from './maplibre.js';

/** How far (CSS px) a press must move to become a drag rather than a click. */
const DRAG_AFTER_PX = 5;

export interface CameraPicking {
  layer: string;
  nameOf(id: string): string;
  onSelect(id: string): void;
}

/**
 * Cameras on the map are picked by click, or dragged out of the map onto any element marked
 * `data-drop-camera` (say, a tile of the video wall), which then receives a bubbling
 * `camera-drop` event with `{ cameraId }`. The map stays put during the drag, and a ghost label
 * with the camera's name follows the pointer.
 */
export function attachCameraDrag(map: MapLibreMap, pick: CameraPicking): void {
  const canvas = map.getCanvas();
  map.on('mouseenter', pick.layer, () => (canvas.style.cursor = 'grab'));
  map.on('mouseleave', pick.layer, () => (canvas.style.cursor = ''));
  const press = (e: MapLayerMouseEvent | MapLayerTouchEvent) => {
    const id = e.features?.[0]?.properties?.id;
    if (typeof id !== 'string') return;
    // Keeps MapLibre's drag-pan (and the browser's text selection) out of this gesture.
    e.preventDefault();
    e.originalEvent.preventDefault();
    const from = 'touches' in e.originalEvent ? e.originalEvent.touches[0] : e.originalEvent;
    if (from) follow(map, pick, id, from.clientX, from.clientY);
  };
  map.on('mousedown', pick.layer, press);
  map.on('touchstart', pick.layer, press);
}

function follow(map: MapLibreMap, pick: CameraPicking, id: string, x0: number, y0: number): void {
  let ghost: HTMLElement | undefined;
  const panned = map.dragPan.isEnabled();
  const move = (e: PointerEvent) => {
    if (!ghost) {
      if (Math.hypot(e.clientX - x0, e.clientY - y0) < DRAG_AFTER_PX) return;
      ghost = ghostLabel(pick.nameOf(id));
      if (panned) map.dragPan.disable();
    }
    ghost.style.transform = `translate(${e.clientX + 14}px, ${e.clientY + 14}px)`;
  };
  const stop = () => {
    window.removeEventListener('pointermove', move);
    window.removeEventListener('pointerup', release);
    window.removeEventListener('pointercancel', stop);
    ghost?.remove();
    if (ghost && panned) map.dragPan.enable();
  };
  const release = (e: PointerEvent) => {
    const dragged = ghost !== undefined;
    stop();
    if (!dragged) return pick.onSelect(id);
    // The ghost ignores the pointer, so this finds what lies under it.
    const target = document.elementFromPoint(e.clientX, e.clientY)?.closest('[data-drop-camera]');
    target?.dispatchEvent(
      new CustomEvent('camera-drop', { detail: { cameraId: id }, bubbles: true }),
    );
  };
  window.addEventListener('pointermove', move);
  window.addEventListener('pointerup', release);
  window.addEventListener('pointercancel', stop);
}

function ghostLabel(text: string): HTMLElement {
  const el = document.createElement('div');
  el.textContent = text;
  el.className = 'camera-drag-ghost';
  el.style.cssText =
    'position:fixed;left:0;top:0;z-index:10000;pointer-events:none;white-space:nowrap;' +
    'padding:3px 8px;font-size:13px;color:#d7e3ff;background:rgb(11 18 32 / 90%);' +
    'border:1px solid #46d39a;border-radius:4px;box-shadow:0 2px 8px rgb(0 0 0 / 40%)';
  document.body.appendChild(el);
  return el;
}
