import { HALF_BEAT_MS, onNextBeat } from '../composables/beat.js';
import type { MapLibreMap } from './maplibre.js';

/** After a hand last moved over the map, it draws at once for this long: a hover shows at once. */
const HANDS_ON_MS = 2_000;
/** Beats to wait for tiles still coming back from MapLibre's workers before drawing anyway. */
const MAX_WAIT_BEATS = 2;

/**
 * Has the map draw its data's changes on the screen's beat. MapLibre asks for a frame whenever
 * its data changes: when a source takes an update, when the tiles come back for it, when the
 * labels are placed again after. Each is a redraw of the whole map and, without a fast GPU, a
 * composite of the whole screen, at its own moment, between the beats at which the clock, the
 * boards and the pulse rings change. Those requests now wait for the next beat, so they paint in
 * the same frame, and a beat at which tiles are still coming back for a change waits for them
 * (up to MAX_WAIT_BEATS) rather than draw the old ones once more. A change shows half a second
 * later at most, or a second and a half while tiles come. Until the map has first settled (all
 * drawn, nothing loading), and again from a camera move until it settles, it draws at once, as
 * it does while a hand is on it or its canvas changed size: its own steps from one view to the
 * next, each waiting for the one before, would each wait for a beat.
 *
 * It works by standing in for `triggerRepaint` on this map, through which MapLibre asks for
 * every frame. Answers a function that puts MapLibre's own back.
 */
export function drawOnBeat(map: MapLibreMap): () => void {
  const own = map.triggerRepaint;
  const drawNow = () => own.call(map);
  let waited = 0;
  const onBeat = onNextBeat<void>(HALF_BEAT_MS, () => {
    // The frame would show the tiles a change replaces; their arrival asks for one again.
    if (!map.areTilesLoaded() && waited < MAX_WAIT_BEATS) {
      waited += 1;
      onBeat();
      return;
    }
    waited = 0;
    drawNow();
  });
  let settling = true;
  const settled = () => (settling = false);
  const unsettled = () => (settling = true);
  map.on('idle', settled);
  map.on('movestart', unsettled);
  let handsOnUntil = 0;
  let size = '';
  const touched = () => (handsOnUntil = performance.now() + HANDS_ON_MS);
  const area = map.getCanvasContainer();
  area.addEventListener('pointermove', touched, { passive: true });
  area.addEventListener('pointerdown', touched, { passive: true });
  area.addEventListener('wheel', touched, { passive: true });

  map.triggerRepaint = () => {
    const canvas = map.getCanvas();
    const sized = `${canvas.width}x${canvas.height}`;
    if (settling || map.isMoving() || sized !== size || performance.now() < handsOnUntil) {
      size = sized;
      onBeat.cancel();
      waited = 0;
      drawNow();
    } else onBeat();
  };
  return () => {
    onBeat.cancel();
    map.triggerRepaint = own;
    map.off('idle', settled);
    map.off('movestart', unsettled);
    area.removeEventListener('pointermove', touched);
    area.removeEventListener('pointerdown', touched);
    area.removeEventListener('wheel', touched);
  };
}
