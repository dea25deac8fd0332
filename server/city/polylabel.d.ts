// polylabel ships no types: the pole of inaccessibility of a polygon given as rings.
declare module 'polylabel' {
  export default function polylabel(
    polygon: readonly (readonly (readonly number[])[])[],
    precision?: number,
    debug?: boolean,
  ): number[] & { distance: number };
}
