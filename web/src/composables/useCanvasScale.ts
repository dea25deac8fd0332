import { computed, inject, provide, type ComputedRef, type InjectionKey } from 'vue';

/** How much the fixed design canvas around a component is shrunk or enlarged on the screen. */
const CANVAS_SCALE: InjectionKey<ComputedRef<number>> = Symbol('canvas-scale');

/** Called by a design canvas (the wall's) for everything inside it. */
export function provideCanvasScale(scale: ComputedRef<number>): void {
  provide(CANVAS_SCALE, scale);
}

/** The scale of the design canvas around the caller; 1 outside any. */
export function useCanvasScale(): ComputedRef<number> {
  return inject(
    CANVAS_SCALE,
    computed(() => 1),
    false,
  );
}
