import polygonClipping from 'polygon-clipping';
import type { MultiPolygon, Polygon } from 'polygon-clipping';
import polylabel from 'polylabel';
import {
  areaBBox,
  pointInArea,
  REGION_LEVELS,
  type AreaGeometry,
  type BBox,
  type LngLat,
  type RegionFeature,
  type RegionLevel,
} from '../../shared/index.js';
import { at, squareMetres, type ProblemList, type RecordOrigin } from './problems.js';

/** How far boundaries may disagree before it is an error (city.json `tolerance`). */
export interface Tolerance {
  metres: number;
  squareMetres: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { metres: 5, squareMetres: 100 };

const PLURAL: Record<RegionLevel, string> = {
  city: 'cities',
  district: 'districts',
  street: 'streets',
  community: 'communities',
  grid: 'grids',
};

interface Member {
  /** Its place in the input, to report a family's problems in the order of the file. */
  index: number;
  id: string;
  level: RegionLevel;
  origin: RecordOrigin | string;
  /** As drawn, in WGS84 degrees. */
  geom: MultiPolygon;
  bbox: BBox;
  /**
   * For a single ring that neither crosses nor touches itself: its edges turned anticlockwise,
   * as keys of vertex pairs (the lower vertex number first) and +1 or -1 for the direction.
   */
  edges?: { keys: Float64Array; dirs: Int8Array };
}

interface Found {
  index: number;
  origin: RecordOrigin | string;
  message: string;
  id: string;
}

/**
 * Checks that the region tree tiles its territory: every region inside its parent, no two
 * siblings overlapping, no part of a region covered by none of its children. Pieces no larger
 * than the tolerance, by area or by width (twice the area over the perimeter), are digitising
 * noise.
 *
 * features: every region of the package, already in WGS84, already checked so that every parent
 * exists and is one level up (city > district > street > community > grid).
 * origins: region id -> { file, where } to name it in a problem.
 */
export function checkRegionGeometry(
  features: readonly RegionFeature[],
  origins: ReadonlyMap<string, RecordOrigin>,
  tolerance: Tolerance,
  problems: ProblemList,
  /** Parents with a child the reader had to leave out, already reported: no gap check. */
  incomplete: ReadonlySet<string> = new Set(),
): void {
  const members = new Map<string, Member>();
  const broken = new Set<string>();
  const unreadable = (m: Member, reason: string) => {
    if (broken.has(m.id)) return;
    broken.add(m.id);
    problems.error(m.origin, `cannot be read as a polygon: ${reason}`, m.id, 'geometry');
  };
  const vertices = new VertexNumbers();

  // The first feature of an id takes part; a duplicate is the tree check's to report.
  const families = new Map<string, Member[]>();
  for (const f of features) {
    const { id, level, parentId } = f.properties;
    if (members.has(id)) continue;
    const geom = polygonsOf(f.geometry);
    const origin = origins.get(id) ?? 'regions.geojson';
    const m: Member = { index: members.size, id, level, origin, geom, bbox: bboxOf(geom) };
    members.set(id, m);
    const shape = inspect(geom);
    if (shape.reason) unreadable(m, shape.reason);
    else if (shape.simpleRing) m.edges = edgesOf(shape.simpleRing, vertices);
    if (parentId === null) continue;
    const siblings = families.get(parentId);
    if (siblings) siblings.push(m);
    else families.set(parentId, [m]);
  }

  // Parents in input order, so the problems come out in the order of the file.
  for (const parent of members.values()) {
    const children = families.get(parent.id);
    if (children)
      checkFamily(parent, children, tolerance, broken, unreadable, problems, incomplete);
  }
}

function checkFamily(
  parent: Member,
  children: Member[],
  tolerance: Tolerance,
  broken: ReadonlySet<string>,
  unreadable: (m: Member, reason: string) => void,
  problems: ProblemList,
  incomplete: ReadonlySet<string>,
): void {
  if (tilesExactly(parent, children)) return;

  const childLevel = REGION_LEVELS[REGION_LEVELS.indexOf(parent.level) + 1]!;
  const frame = frameAbout(parent.bbox);
  const local = new Map<Member, Local>();
  const localOf = (m: Member) => {
    let l = local.get(m);
    if (!l) {
      const geom = project(m.geom, frame);
      local.set(m, (l = { geom, bbox: bboxOf(geom), area: areaOf(geom) }));
    }
    return l;
  };
  const counts = (piece: Polygon) => {
    const size = measure(piece);
    return size.area > tolerance.squareMetres && size.width > tolerance.metres ? size : undefined;
  };
  const around = (piece: Polygon, width: number) =>
    at(unproject(polylabel(piece, Math.min(1, Math.max(0.01, width / 10))), frame));

  // polygon-clipping throws on some degenerate input ("Unable to complete output ring"). The
  // family's problems are gathered first and reported only when every operation went through,
  // so a retry without the region to blame does not report anything twice.
  for (;;) {
    const found: Found[] = [];
    try {
      const valid = children.filter((c) => !broken.has(c.id));
      if (!valid.length) return;
      const geoms = valid.map((c) => localOf(c).geom);
      const union = polygonClipping.union(geoms[0]!, ...geoms.slice(1));

      // polygon-clipping is least sure of itself when an operand is its own output (snapped
      // intersections lying all but on the other operand's edges), so each such step falls
      // back to the same question asked of the regions as drawn.
      if (!broken.has(parent.id)) {
        const whole = localOf(parent).geom;
        // Outside: first where the children together leave the parent, then which children
        // do, so a community whose grids all lie within it costs one difference and no more.
        const candidates = firstOf(
          () => polygonClipping.difference(union, whole),
          () => geoms.flatMap((g) => polygonClipping.difference(g, whole)),
        ).filter((piece) => polygonArea(piece) > tolerance.squareMetres);
        for (const child of valid) {
          const own = localOf(child);
          if (!candidates.some((piece) => mayShare(own.bbox, piece, tolerance))) continue;
          for (const piece of polygonClipping.difference(own.geom, whole)) {
            const size = counts(piece);
            if (!size) continue;
            found.push({
              index: child.index,
              origin: child.origin,
              id: child.id,
              message: `${squareMetres(size.area)} lies outside its ${parent.level} ${parent.id} (around ${around(piece, size.width)})`,
            });
          }
        }
        // A child that cannot be read would show as a gap as large as itself: say nothing.
        if (valid.length === children.length && !incomplete.has(parent.id)) {
          const gaps = firstOf(
            () => polygonClipping.difference(whole, union),
            () => polygonClipping.difference(whole, ...geoms),
          );
          for (const piece of gaps) {
            const size = counts(piece);
            if (!size) continue;
            found.push({
              index: parent.index,
              origin: parent.origin,
              id: parent.id,
              message: `${squareMetres(size.area)} is covered by none of its ${PLURAL[childLevel]} (around ${around(piece, size.width)})`,
            });
          }
        }
      }

      // What the children cover twice or more is their areas' sum less their union's area; only
      // when that is above the tolerance is it worth looking at pairs.
      let overlap = -areaOf(union);
      for (const c of valid) overlap += localOf(c).area;
      if (overlap > tolerance.squareMetres) {
        const items = valid.map((c) => ({ member: c, ...localOf(c) }));
        for (const [a, b] of pairsThatMeet(items, tolerance)) {
          for (const piece of polygonClipping.intersection(a.geom, b.geom)) {
            const size = counts(piece);
            if (!size) continue;
            found.push({
              index: a.member.index,
              origin: a.member.origin,
              id: a.member.id,
              message: `overlaps ${b.member.id} by ${squareMetres(size.area)} (around ${around(piece, size.width)})`,
            });
          }
        }
      }

      found.sort((a, b) => a.index - b.index);
      for (const f of found) problems.error(f.origin, f.message, f.id, 'geometry');
      return;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      // Blame the regions that fail on their own; when none does, the family as a whole cannot
      // be compared and the parent says so.
      const guilty = [parent, ...children].filter((m) => {
        if (broken.has(m.id)) return false;
        try {
          polygonClipping.union(localOf(m).geom);
          return false;
        } catch {
          return true;
        }
      });
      for (const m of guilty) unreadable(m, reason);
      if (!guilty.length) {
        problems.error(
          parent.origin,
          `cannot be compared with its ${PLURAL[childLevel]}: ${reason}`,
          parent.id,
          'geometry',
        );
        return;
      }
    }
  }
}

/**
 * Whether the children tile the parent exactly, vertex for vertex, as a GIS that keeps topology
 * exports them: then every edge between two children cancels out (drawn once each way) and what
 * is left is the parent's own boundary. Each ring being a simple closed curve turned
 * anticlockwise, its winding number is 1 inside and 0 outside; the edges balancing means the
 * children's winding numbers add up to the parent's everywhere, so each point of the parent is
 * covered by exactly one child and no point outside it by any. No clipping needed.
 */
function tilesExactly(parent: Member, children: readonly Member[]): boolean {
  if (!parent.edges || children.some((c) => !c.edges)) return false;
  const net = new Map<number, number>();
  const add = ({ keys, dirs }: NonNullable<Member['edges']>, sign: number) => {
    for (let i = 0; i < keys.length; i++) {
      const v = (net.get(keys[i]!) ?? 0) + sign * dirs[i]!;
      if (v === 0) net.delete(keys[i]!);
      else net.set(keys[i]!, v);
    }
  };
  for (const c of children) add(c.edges!, 1);
  add(parent.edges, -1);
  return net.size === 0;
}

/** Numbers every distinct vertex, so that an edge is a number and edges compare exactly. */
class VertexNumbers {
  private readonly byX = new Map<number, Map<number, number>>();
  private next = 0;

  of([x, y]: readonly [number, number]): number {
    let byY = this.byX.get(x);
    if (!byY) this.byX.set(x, (byY = new Map()));
    let n = byY.get(y);
    if (n === undefined) byY.set(y, (n = this.next++));
    return n;
  }
}

// Vertex numbers stay far below this: the key of an edge is exact in a double.
const EDGE_KEY_BASE = 2 ** 26;

function edgesOf(corners: readonly [number, number][], vertices: VertexNumbers): Member['edges'] {
  const n = corners.length;
  const ids = corners.map((p) => vertices.of(p));
  const turn = ringArea([...corners, corners[0]!]) > 0 ? 1 : -1;
  const keys = new Float64Array(n);
  const dirs = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const a = ids[i]!;
    const b = ids[(i + 1) % n]!;
    keys[i] = Math.min(a, b) * EDGE_KEY_BASE + Math.max(a, b);
    dirs[i] = (a < b ? 1 : -1) * turn;
  }
  return { keys, dirs };
}

/**
 * Whether a child whose box is `box` may share more than the tolerance with `piece`: a piece
 * lying in a strip is no wider than the strip (its area is at most the strip's width times its
 * length, its perimeter at least twice that length), so a box overlapping the piece's edges
 * only thinly, or not at all and lying outside it, cannot hold a piece that counts.
 */
function mayShare(box: BBox, piece: Polygon, tolerance: Tolerance): boolean {
  let meets = false;
  for (const ring of piece) {
    for (let i = 1; i < ring.length && !meets; i++) {
      const [ax, ay] = ring[i - 1]!;
      const [bx, by] = ring[i]!;
      meets =
        Math.min(ax, bx) <= box[2] &&
        Math.max(ax, bx) >= box[0] &&
        Math.min(ay, by) <= box[3] &&
        Math.max(ay, by) >= box[1];
    }
  }
  if (!meets && !pointInPolygon([box[0], box[1]], piece)) return false;
  const [w, s, e, n] = bboxOf([piece]);
  const width = Math.min(e, box[2]) - Math.max(w, box[0]);
  const height = Math.min(n, box[3]) - Math.max(s, box[1]);
  return (
    width > tolerance.metres && height > tolerance.metres && width * height > tolerance.squareMetres
  );
}

/** Pairs whose boxes overlap enough to hold a piece that counts, the earlier in input order first. */
function pairsThatMeet<T extends { bbox: BBox }>(
  items: readonly T[],
  tolerance: Tolerance,
): [T, T][] {
  const order = items.map((_, i) => i).sort((i, j) => items[i]!.bbox[0] - items[j]!.bbox[0]);
  const pairs: [number, number][] = [];
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const a = items[i]!.bbox;
    for (let l = k + 1; l < order.length; l++) {
      const j = order[l]!;
      const b = items[j]!.bbox;
      if (b[0] > a[2]) break;
      const width = Math.min(a[2], b[2]) - b[0];
      const height = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
      if (
        width > tolerance.metres &&
        height > tolerance.metres &&
        width * height > tolerance.squareMetres
      )
        pairs.push(i < j ? [i, j] : [j, i]);
    }
  }
  pairs.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  return pairs.map(([i, j]) => [items[i]!, items[j]!]);
}

/** The first answer that polygon-clipping gives without throwing; the last error otherwise. */
function firstOf<T>(...ways: (() => T)[]): T {
  for (let i = 0; ; i++) {
    try {
      return ways[i]!();
    } catch (err) {
      if (i === ways.length - 1) throw err;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Local metres.
//
// Each family is clipped and measured in metres east and north of its parent's centre, by the
// equirectangular projection about that latitude: x = R·cos(lat0)·Δlng, y = R·Δlat. Across a
// city (a few tenths of a degree) the true east-west scale drifts from cos(lat0) by about
// tan(lat)·Δlat, under 0.3 % at lat 23 for ±0.4°, and across a community by a thousandth of
// that: far finer than tolerances given in whole metres.

interface Frame {
  lng0: number;
  lat0: number;
  /** Metres per degree of longitude and of latitude. */
  kx: number;
  ky: number;
}

/** A member's geometry in its family's frame. */
interface Local {
  geom: MultiPolygon;
  bbox: BBox;
  area: number;
}

const METRES_PER_DEGREE = (6_371_008.8 * Math.PI) / 180;

function frameAbout([w, s, e, n]: BBox): Frame {
  const lat0 = (s + n) / 2;
  return {
    lng0: (w + e) / 2,
    lat0,
    kx: METRES_PER_DEGREE * Math.cos((lat0 * Math.PI) / 180),
    ky: METRES_PER_DEGREE,
  };
}

function project(geom: MultiPolygon, f: Frame): MultiPolygon {
  return geom.map((rings) =>
    rings.map((ring) =>
      ring.map(([lng, lat]): [number, number] => [(lng - f.lng0) * f.kx, (lat - f.lat0) * f.ky]),
    ),
  );
}

function unproject([x, y]: readonly number[], f: Frame): LngLat {
  return [f.lng0 + x! / f.kx, f.lat0 + y! / f.ky];
}

/** Shoelace about the ring's first point, to keep the products small; positive anticlockwise. */
function ringArea(ring: readonly (readonly number[])[]): number {
  const x0 = ring[0]![0]!;
  const y0 = ring[0]![1]!;
  let s = 0;
  for (let i = 1; i + 1 < ring.length; i++) {
    const p = ring[i]!;
    const q = ring[i + 1]!;
    s += (p[0]! - x0) * (q[1]! - y0) - (q[0]! - x0) * (p[1]! - y0);
  }
  return s / 2;
}

function ringLength(ring: readonly (readonly number[])[]): number {
  let s = 0;
  for (let i = 1; i < ring.length; i++) {
    s += Math.hypot(ring[i]![0]! - ring[i - 1]![0]!, ring[i]![1]! - ring[i - 1]![1]!);
  }
  // polygon-clipping closes its rings; be exact about one that is not.
  const first = ring[0]!;
  const last = ring[ring.length - 1]!;
  return s + Math.hypot(first[0]! - last[0]!, first[1]! - last[1]!);
}

function polygonArea(rings: Polygon): number {
  let a = 0;
  rings.forEach((ring, k) => (a += (k === 0 ? 1 : -1) * Math.abs(ringArea(ring))));
  return a;
}

function areaOf(geom: MultiPolygon): number {
  let a = 0;
  for (const rings of geom) a += polygonArea(rings);
  return a;
}

/** Area and width (twice the area over the perimeter: a sliver's width) of a piece. */
function measure(piece: Polygon): { area: number; width: number } {
  const area = polygonArea(piece);
  let perimeter = 0;
  for (const ring of piece) perimeter += ringLength(ring);
  return { area, width: perimeter > 0 ? (2 * area) / perimeter : 0 };
}

// ---------------------------------------------------------------------------------------------
// Reading a geometry.

function polygonsOf(area: AreaGeometry): MultiPolygon {
  return area.type === 'Polygon' ? [area.coordinates] : area.coordinates;
}

// polygon-clipping's polygons are GeoJSON's coordinates: the shared helpers read them as they are.
function bboxOf(geom: MultiPolygon): BBox {
  return areaBBox({ type: 'MultiPolygon', coordinates: geom as LngLat[][][] });
}

function pointInPolygon(point: readonly [number, number], rings: Polygon): boolean {
  return pointInArea([point[0], point[1]], { type: 'Polygon', coordinates: rings as LngLat[][] });
}

interface Shape {
  /** Why the geometry has no one meaning as an area. */
  reason?: string;
  /** Its corners, when it is a single ring without holes that neither crosses nor touches itself. */
  simpleRing?: [number, number][];
}

/**
 * polygon-clipping reads a ring that crosses itself without complaint, as some area nobody drew,
 * so crossings are looked for here. Touching at a point (a hole touching its outer ring) is fine.
 */
function inspect(geom: MultiPolygon): Shape {
  let simple = true;
  for (let p = 0; p < geom.length; p++) {
    const shape = inspectPolygon(geom[p]!);
    if (shape.reason)
      return { reason: geom.length > 1 ? `polygon ${p + 1}: ${shape.reason}` : shape.reason };
    simple &&= shape.simple;
  }
  return simple && geom.length === 1 && geom[0]!.length === 1
    ? { simpleRing: corners(geom[0]![0]!) }
    : {};
}

const ringName = (k: number) => (k === 0 ? 'the outer ring' : `hole ${k}`);

/** A ring's corners without the closing repeat and without consecutive duplicates. */
function corners(ring: readonly [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const p of ring) {
    const q = out[out.length - 1];
    if (!q || q[0] !== p[0] || q[1] !== p[1]) out.push(p);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (out.length > 1 && first![0] === last![0] && first![1] === last![1]) out.pop();
  return out;
}

function inspectPolygon(rings: Polygon): { reason?: string; simple: boolean } {
  const all = rings.map(corners);
  for (let k = 0; k < all.length; k++) {
    if (all[k]!.length < 3)
      return { reason: `${ringName(k)} has fewer than 3 distinct corners`, simple: false };
  }

  // Every segment of every ring, swept west to east so only segments side by side are compared;
  // coordinates about the first corner, to keep the orientation products small.
  const x0 = all[0]![0]![0];
  const y0 = all[0]![0]![1];
  let n = 0;
  for (const c of all) n += c.length;
  const ax = new Float64Array(n);
  const ay = new Float64Array(n);
  const bx = new Float64Array(n);
  const by = new Float64Array(n);
  const ringOf = new Int32Array(n);
  const indexOf = new Int32Array(n);
  let s = 0;
  all.forEach((c, k) => {
    for (let i = 0; i < c.length; i++, s++) {
      const p = c[i]!;
      const q = c[(i + 1) % c.length]!;
      ax[s] = p[0] - x0;
      ay[s] = p[1] - y0;
      bx[s] = q[0] - x0;
      by[s] = q[1] - y0;
      ringOf[s] = k;
      indexOf[s] = i;
    }
  });
  const west = (i: number) => Math.min(ax[i]!, bx[i]!);
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => west(i) - west(j));
  let simple = true;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const east = Math.max(ax[i]!, bx[i]!);
    const south = Math.min(ay[i]!, by[i]!);
    const north = Math.max(ay[i]!, by[i]!);
    for (let l = k + 1; l < n; l++) {
      const j = order[l]!;
      if (west(j) > east) break;
      if (Math.max(ay[j]!, by[j]!) < south || Math.min(ay[j]!, by[j]!) > north) continue;
      const s1 = side(i, ax[j]!, ay[j]!);
      const s2 = side(i, bx[j]!, by[j]!);
      if (ringOf[i] === ringOf[j]) {
        const gap = Math.abs(indexOf[i]! - indexOf[j]!);
        const len = all[ringOf[i]!]!.length;
        if (gap === 1 || gap === len - 1) {
          // Neighbours share a corner; they meet elsewhere only by folding back on each other.
          const iFirst = gap === 1 ? indexOf[i]! < indexOf[j]! : indexOf[i]! > indexOf[j]!;
          if (s1 === 0 && s2 === 0 && foldsBack(iFirst ? i : j, iFirst ? j : i)) simple = false;
          continue;
        }
      }
      const s3 = side(j, ax[i]!, ay[i]!);
      const s4 = side(j, bx[i]!, by[i]!);
      if (s1 * s2 < 0 && s3 * s4 < 0) {
        const d1 = orient(ax[i]!, ay[i]!, bx[i]!, by[i]!, ax[j]!, ay[j]!);
        const d2 = orient(ax[i]!, ay[i]!, bx[i]!, by[i]!, bx[j]!, by[j]!);
        const t = d1 / (d1 - d2);
        const where: LngLat = [
          x0 + ax[j]! + t * (bx[j]! - ax[j]!),
          y0 + ay[j]! + t * (by[j]! - ay[j]!),
        ];
        const [r, q] = [ringOf[i]!, ringOf[j]!].sort((a, b) => a - b) as [number, number];
        const reason =
          r === q
            ? `${ringName(r)} crosses itself at ${at(where)}`
            : `${ringName(q)} crosses ${ringName(r)} at ${at(where)}`;
        return { reason, simple: false };
      }
      // Touching, or too close to tell: readable, but not for the exact comparison.
      if (s1 * s2 <= 0 && s3 * s4 <= 0) simple = false;
    }
  }
  for (let k = 0; k < all.length; k++) {
    if (ringArea([...all[k]!, all[k]![0]!]) === 0)
      return { reason: `${ringName(k)} encloses no area`, simple: false };
  }
  return { simple: simple && rings.length === 1 };

  /**
   * Which side of segment i the point lies on: 1 left, -1 right, 0 within TOUCH of its line, where
   * a crossing would be too small to matter and too fine for doubles to be sure of.
   */
  function side(i: number, x: number, y: number): number {
    const d = orient(ax[i]!, ay[i]!, bx[i]!, by[i]!, x, y);
    return Math.abs(d) <= TOUCH * Math.hypot(bx[i]! - ax[i]!, by[i]! - ay[i]!) ? 0 : Math.sign(d);
  }

  /** Segment q, following p along the ring, runs back along it. */
  function foldsBack(p: number, q: number): boolean {
    return (bx[p]! - ax[p]!) * (bx[q]! - ax[q]!) + (by[p]! - ay[p]!) * (by[q]! - ay[q]!) < 0;
  }
}

/** About 0.1 mm, in degrees. */
const TOUCH = 1e-9;

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}
