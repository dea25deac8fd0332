import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { drawOnBeat } from './draw-on-beat.js';
import type { MapLibreMap } from './maplibre.js';

/** The part of a MapLibre map drawOnBeat touches; `frames` counts what it asked MapLibre for. */
function fakeMap() {
  const state = { moving: false, tilesLoaded: true, width: 800, frames: [] as number[] };
  const listeners = new Map<string, () => void>();
  const events = new Map<string, () => void>();
  const map = {
    on: (type: string, fn: () => void) => events.set(type, fn),
    off: (type: string) => events.delete(type),
    triggerRepaint: () => void state.frames.push(Date.now()),
    isMoving: () => state.moving,
    areTilesLoaded: () => state.tilesLoaded,
    getCanvas: () => ({ width: state.width, height: 600 }),
    getCanvasContainer: () => ({
      addEventListener: (type: string, fn: () => void) => listeners.set(type, fn),
      removeEventListener: (type: string) => listeners.delete(type),
    }),
  };
  return { map, state, listeners, events, as: map as unknown as MapLibreMap };
}

/** Attached to a map that has drawn everything once (MapLibre's `idle`). */
function settledMap() {
  const m = fakeMap();
  const detach = drawOnBeat(m.as);
  m.events.get('idle')!();
  return { ...m, detach };
}

describe('the map drawing on the beat', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    vi.stubGlobal('window', globalThis);
    vi.setSystemTime(1_000_000_100);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("draws a data change's requests once, at the next half-second", () => {
    const { map, state } = settledMap();
    map.triggerRepaint(); // the canvas's size is new: drawn at once
    expect(state.frames).toEqual([1_000_000_100]);
    map.triggerRepaint();
    vi.advanceTimersByTime(150);
    map.triggerRepaint();
    map.triggerRepaint();
    vi.advanceTimersByTime(1_000);
    expect(state.frames).toEqual([1_000_000_100, 1_000_000_500]);
  });

  it('waits for the tiles a change is loading, but not for ever', () => {
    const { map, state } = settledMap();
    map.triggerRepaint();
    state.frames = [];
    state.tilesLoaded = false;
    map.triggerRepaint();
    vi.advanceTimersByTime(450); // the beat at ...500 finds them loading
    state.tilesLoaded = true;
    map.triggerRepaint(); // they came
    vi.advanceTimersByTime(1_000);
    expect(state.frames).toEqual([1_000_001_000]);

    state.tilesLoaded = false;
    map.triggerRepaint();
    vi.advanceTimersByTime(3_000);
    expect(state.frames).toEqual([1_000_001_000, 1_000_003_000]);
  });

  it('gives each change its full wait for tiles, even after a draw at once cut one short', () => {
    const { map, state, listeners } = settledMap();
    map.triggerRepaint();
    state.tilesLoaded = false;
    map.triggerRepaint();
    vi.advanceTimersByTime(450); // one beat waited
    listeners.get('pointermove')!();
    map.triggerRepaint(); // a hand: drawn at once
    vi.advanceTimersByTime(2_000); // the hand went; at ...2550 now
    state.frames = [];
    map.triggerRepaint();
    vi.advanceTimersByTime(3_000);
    expect(state.frames).toEqual([1_000_004_000]); // beats at 3000 and 3500 waited
  });

  it('draws at once until the map first settles, and from a camera move until it settles again', () => {
    const { map, state, events, as } = fakeMap();
    drawOnBeat(as);
    map.triggerRepaint();
    map.triggerRepaint();
    events.get('idle')!();
    map.triggerRepaint();
    expect(state.frames).toHaveLength(2);
    events.get('movestart')!();
    map.triggerRepaint();
    expect(state.frames).toHaveLength(3);
    events.get('idle')!();
    map.triggerRepaint();
    vi.advanceTimersByTime(1_000);
    expect(state.frames).toEqual([1_000_000_100, 1_000_000_100, 1_000_000_100, 1_000_000_500]);
  });

  it('draws at once while the camera moves, the canvas changes size or a hand is on the map', () => {
    const { map, state, listeners } = settledMap();
    map.triggerRepaint();
    state.moving = true;
    map.triggerRepaint();
    state.moving = false;
    state.width = 1024;
    map.triggerRepaint();
    listeners.get('pointermove')!();
    map.triggerRepaint();
    expect(state.frames).toHaveLength(4);
    vi.advanceTimersByTime(2_100); // the hand went
    map.triggerRepaint();
    expect(state.frames).toHaveLength(4);
  });

  it("puts MapLibre's own back when the map goes", () => {
    const { map, state, listeners, events } = fakeMap();
    const own = map.triggerRepaint;
    const detach = drawOnBeat(map as unknown as MapLibreMap);
    events.get('idle')!();
    map.triggerRepaint();
    map.triggerRepaint();
    detach();
    vi.advanceTimersByTime(1_000);
    expect(state.frames).toHaveLength(1);
    expect(map.triggerRepaint).toBe(own);
    expect(listeners.size + events.size).toBe(0);
  });
});
