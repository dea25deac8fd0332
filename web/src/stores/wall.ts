import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { layoutFor, type WallLayout } from '../video/layouts.js';

/** Why the tiles show what they show: the wall tells its viewers. */
export type TilesReason =
  | { kind: 'tour' }
  | { kind: 'manual' }
  | { kind: 'linkage'; incidentId: string }
  | { kind: 'push'; by: string }
  /** A tour plan running (视频巡查). */
  | { kind: 'patrol'; planId: string };

/**
 * The video wall's tiles: a layout and the camera in each slot. One store per page, shared by the
 * tiles, the camera tree, the map (whose cones light up for open cameras) and the push bar.
 */
export const useWallStore = defineStore('wall', () => {
  const layout = ref<WallLayout>(4);
  /** Camera id per slot; `undefined` is an empty tile. Always `layout` long. */
  const slots = shallowRef<(string | undefined)[]>(Array.from({ length: 4 }));
  /** The cameras on screen, in tile order: their cones light up on the map, a push sends them. */
  const openCameras = computed(() => slots.value.filter((id): id is string => !!id));
  /**
   * Per slot, the moment its recordings play from (回放, epoch ms), or undefined for live. Always
   * `layout` long; a camera placed or cleared plays live again.
   */
  const playback = shallowRef<(number | undefined)[]>(Array.from({ length: 4 }));
  /** The slot shown full size, if any (double-click toggles). */
  const maximised = ref<number>();
  const reason = shallowRef<TilesReason>({ kind: 'tour' });
  /** Where this desk's pushes go: a wall's device name, or every wall. */
  const pushTarget = ref('all');

  function setLayout(next: WallLayout): void {
    layout.value = next;
    slots.value = Array.from({ length: next }, (_, i) => slots.value[i]);
    playback.value = Array.from({ length: next }, (_, i) => playback.value[i]);
    if (maximised.value !== undefined && maximised.value >= next) maximised.value = undefined;
  }

  /**
   * Shows these cameras from the first tile on, growing the layout when asked to (a push or a
   * linkage brings as many pictures as it names, up to sixteen).
   */
  function show(
    cameraIds: readonly string[],
    why: TilesReason,
    grow = false,
    /** Their recordings from this moment (epoch ms) instead of live. */
    from?: number,
  ): void {
    const ids = [...new Set(cameraIds)].slice(0, 16);
    if (grow && ids.length > layout.value) setLayout(layoutFor(ids.length));
    slots.value = Array.from({ length: layout.value }, (_, i) => ids[i]);
    playback.value = slots.value.map((id) => (id ? from : undefined));
    maximised.value = undefined;
    reason.value = why;
  }

  /** Puts one camera in one tile (a drop from the tree or the map); it leaves any other tile. */
  function place(slot: number, cameraId: string): void {
    const moved = slots.value.indexOf(cameraId);
    slots.value = slots.value.map((id, i) =>
      i === slot ? cameraId : id === cameraId ? undefined : id,
    );
    playback.value = playback.value.map((at, i) => (i === slot || i === moved ? undefined : at));
    reason.value = { kind: 'manual' };
  }

  /** One slot's recordings from a moment (epoch ms), or live again with undefined. */
  function playFrom(slot: number, at: number | undefined): void {
    playback.value = playback.value.map((old, i) => (i === slot ? at : old));
  }

  /** Opens a camera in the first empty tile, or the last tile when all are taken. */
  function open(cameraId: string): void {
    if (slots.value.includes(cameraId)) return;
    const free = slots.value.indexOf(undefined);
    place(free === -1 ? slots.value.length - 1 : free, cameraId);
  }

  function clear(slot: number): void {
    slots.value = slots.value.map((id, i) => (i === slot ? undefined : id));
    playFrom(slot, undefined);
  }

  function toggleMaximised(slot: number): void {
    maximised.value = maximised.value === slot ? undefined : slot;
  }

  return {
    layout,
    slots,
    playback,
    openCameras,
    maximised,
    reason,
    pushTarget,
    setLayout,
    show,
    place,
    open,
    playFrom,
    clear,
    toggleMaximised,
  };
});
