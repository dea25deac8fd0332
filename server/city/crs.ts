import gcoord from 'gcoord';
import { CRS_NAMES, type AreaGeometry, type Crs, type LngLat } from '../../shared/index.js';

export { CRS_NAMES, type Crs };

export const CRS_LABELS: Record<Crs, string> = {
  wgs84: 'WGS84',
  cgcs2000: 'CGCS2000',
  gcj02: 'GCJ-02 (高德/腾讯)',
  bd09: 'BD-09 (百度)',
};

// Names GIS tools write for the systems above, lower-cased. CGCS2000 and WGS84 differ by
// centimetres, well under any tolerance a city boundary is drawn to.
const ALIASES: Record<string, Crs> = {
  wgs84: 'wgs84',
  'wgs-84': 'wgs84',
  'epsg:4326': 'wgs84',
  'urn:ogc:def:crs:ogc:1.3:crs84': 'wgs84',
  'urn:ogc:def:crs:epsg::4326': 'wgs84',
  cgcs2000: 'cgcs2000',
  'epsg:4490': 'cgcs2000',
  'urn:ogc:def:crs:epsg::4490': 'cgcs2000',
  gcj02: 'gcj02',
  'gcj-02': 'gcj02',
  bd09: 'bd09',
  'bd-09': 'bd09',
};

/**
 * Reads a declared system: a name from the table, or GeoJSON 2008's
 * `{"type":"name","properties":{"name":…}}`. Undefined when it names none of them.
 */
export function parseCrs(value: unknown): Crs | undefined {
  const name =
    typeof value === 'string'
      ? value
      : (value as { properties?: { name?: unknown } } | null)?.properties?.name;
  return typeof name === 'string' ? ALIASES[name.trim().toLowerCase()] : undefined;
}

/** A converter from `crs` to WGS84; the identity for WGS84 and CGCS2000. */
export function toWgs84(crs: Crs): (p: LngLat) => LngLat {
  if (crs === 'wgs84' || crs === 'cgcs2000') return (p) => p;
  const from = crs === 'gcj02' ? gcoord.GCJ02 : gcoord.BD09;
  return (p) => {
    const [lng, lat] = gcoord.transform([p[0], p[1]], from, gcoord.WGS84) as [number, number];
    // Six decimals are 0.1 m: the conversion is good to about a metre, more digits are noise.
    return [round6(lng), round6(lat)];
  };
}

export function convertArea(area: AreaGeometry, convert: (p: LngLat) => LngLat): AreaGeometry {
  return area.type === 'Polygon'
    ? { type: 'Polygon', coordinates: area.coordinates.map((ring) => ring.map(convert)) }
    : {
        type: 'MultiPolygon',
        coordinates: area.coordinates.map((poly) => poly.map((ring) => ring.map(convert))),
      };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Roughly mainland China and its seas: coordinates outside it are suspicious here. */
export function inChina([lng, lat]: LngLat): boolean {
  return lng >= 73 && lng <= 136 && lat >= 3 && lat <= 54;
}
