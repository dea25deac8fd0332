import { onBeforeUnmount, ref } from 'vue';
import type { ReplaySpeed } from '../../../shared/index.js';

/** How often a playing replay moves: four times a second reads as smooth, costs little. */
const STEP_MS = 250;

/**
 * A replay's clock: a position in [from, to] that advances `speed` times as fast as real time
 * while playing, and stops at the end. The screen's own timer measures the time gone, so a
 * busy page that skips a beat catches up instead of drifting.
 */
export function useReplayClock() {
  const from = ref(0);
  const to = ref(0);
  const position = ref(0);
  const speed = ref<ReplaySpeed>(60);
  const playing = ref(false);
  let last = 0;
  let timer: number | undefined;

  function tick(): void {
    const now = performance.now();
    const next = Math.min(to.value, position.value + (now - last) * speed.value);
    last = now;
    position.value = next;
    if (next >= to.value) pause();
  }

  function play(): void {
    if (position.value >= to.value) position.value = from.value;
    last = performance.now();
    playing.value = true;
    window.clearInterval(timer);
    timer = window.setInterval(tick, STEP_MS);
  }

  function pause(): void {
    playing.value = false;
    window.clearInterval(timer);
    timer = undefined;
  }

  /** Moves to a moment, kept within the stretch; playing goes on from there. */
  function seek(ms: number): void {
    position.value = Math.min(to.value, Math.max(from.value, ms));
    last = performance.now();
  }

  function setSpeed(next: ReplaySpeed): void {
    if (playing.value) tick();
    speed.value = next;
  }

  /** A new stretch, shown from its start, paused. */
  function load(start: number, end: number): void {
    pause();
    from.value = start;
    to.value = end;
    position.value = start;
  }

  onBeforeUnmount(pause);
  return { from, to, position, speed, playing, play, pause, seek, setSpeed, load };
}
export type ReplayClock = ReturnType<typeof useReplayClock>;
