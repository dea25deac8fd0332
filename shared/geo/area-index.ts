import type { LngLat } from '../domain/common.js';
import type { AreaGeometry } from '../domain/regions.js';
import { areaBBox, pointInArea, type BBox } from './polygon.js';

interface Entry<T> {
  item: T;
  area: AreaGeometry;
  bbox: BBox;
}

/**
 * Finds the area containing a point among many that tile a territory (the 842 grids), by
 * bucketing bounding boxes into a uniform lattice so a lookup tests a handful of polygons.
 */
export class AreaIndex<T> {
  private readonly cells = new Map<number, Entry<T>[]>();
  private readonly bounds: BBox;
  private readonly cellW: number;
  private readonly cellH: number;
  private readonly cols: number;
  private readonly rows: number;

  constructor(items: Iterable<T>, areaOf: (item: T) => AreaGeometry, cellsPerSide = 64) {
    const entries = [...items].map((item) => {
      const area = areaOf(item);
      return { item, area, bbox: areaBBox(area) };
    });
    this.bounds = entries.reduce<BBox>(
      (b, e) => [
        Math.min(b[0], e.bbox[0]),
        Math.min(b[1], e.bbox[1]),
        Math.max(b[2], e.bbox[2]),
        Math.max(b[3], e.bbox[3]),
      ],
      [Infinity, Infinity, -Infinity, -Infinity],
    );
    this.cols = this.rows = cellsPerSide;
    this.cellW = (this.bounds[2] - this.bounds[0]) / this.cols || 1;
    this.cellH = (this.bounds[3] - this.bounds[1]) / this.rows || 1;
    for (const entry of entries) {
      const [c0, r0] = this.cellOf(entry.bbox[0], entry.bbox[1]);
      const [c1, r1] = this.cellOf(entry.bbox[2], entry.bbox[3]);
      for (let r = r0; r <= r1; r++) {
        for (let c = c0; c <= c1; c++) {
          const key = r * this.cols + c;
          const bucket = this.cells.get(key);
          if (bucket) bucket.push(entry);
          else this.cells.set(key, [entry]);
        }
      }
    }
  }

  /** The item whose area contains the point, or undefined outside every area. */
  find(point: LngLat): T | undefined {
    const [x, y] = point;
    if (x < this.bounds[0] || x > this.bounds[2] || y < this.bounds[1] || y > this.bounds[3])
      return undefined;
    const [c, r] = this.cellOf(x, y);
    for (const e of this.cells.get(r * this.cols + c) ?? []) {
      if (
        x >= e.bbox[0] &&
        x <= e.bbox[2] &&
        y >= e.bbox[1] &&
        y <= e.bbox[3] &&
        pointInArea(point, e.area)
      ) {
        return e.item;
      }
    }
    return undefined;
  }

  private cellOf(x: number, y: number): [number, number] {
    const c = Math.min(this.cols - 1, Math.max(0, Math.floor((x - this.bounds[0]) / this.cellW)));
    const r = Math.min(this.rows - 1, Math.max(0, Math.floor((y - this.bounds[1]) / this.cellH)));
    return [c, r];
  }
}
