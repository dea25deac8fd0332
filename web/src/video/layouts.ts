import { WALL_LAYOUTS, type WallLayout } from '../../../shared/realtime/events.js';

export { WALL_LAYOUTS, type WallLayout };

/** Where one tile sits in its layout's CSS grid (1-based lines, as CSS grid counts them). */
export interface TileArea {
  column: number;
  row: number;
  span: number;
}

/**
 * The grid behind each layout. Six is the commanders' favourite: one large picture (the incident
 * itself) with five around it, on a 3x3 grid.
 */
export function layoutGrid(layout: WallLayout): { size: number; areas: TileArea[] } {
  if (layout === 6) {
    return {
      size: 3,
      areas: [
        { column: 1, row: 1, span: 2 },
        { column: 3, row: 1, span: 1 },
        { column: 3, row: 2, span: 1 },
        { column: 1, row: 3, span: 1 },
        { column: 2, row: 3, span: 1 },
        { column: 3, row: 3, span: 1 },
      ],
    };
  }
  const size = Math.sqrt(layout);
  return {
    size,
    areas: Array.from({ length: layout }, (_, i) => ({
      column: (i % size) + 1,
      row: Math.floor(i / size) + 1,
      span: 1,
    })),
  };
}

/** The smallest layout that shows `count` pictures. */
export function layoutFor(count: number): WallLayout {
  return WALL_LAYOUTS.find((l) => l >= count) ?? 16;
}

export function isWallLayout(value: number): value is WallLayout {
  return (WALL_LAYOUTS as readonly number[]).includes(value);
}
