import { readFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import type { ProblemList, RecordOrigin } from './problems.js';

/** One record of a package file, with where it came from. */
export interface RawRecord {
  origin: RecordOrigin;
  /** Field -> value; CSV values are strings, empty cells are left out. */
  fields: Record<string, unknown>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const gbk = new TextDecoder('gbk');

/**
 * A package file's text. Excel on a Chinese Windows saves CSV in GBK: bytes that are not valid
 * UTF-8 are read as GBK (GB18030's superset decoder), and a UTF-8 BOM is dropped.
 */
export function readText(path: string): string {
  const bytes = readFileSync(path);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = gbk.decode(bytes);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function readJson(path: string, file: string, problems: ProblemList): unknown {
  try {
    return JSON.parse(readText(path));
  } catch (err) {
    problems.error(file, `is not valid JSON: ${(err as Error).message}`);
    return undefined;
  }
}

/**
 * A JSON array of records, or a GeoJSON FeatureCollection whose features become records (their
 * properties, plus the geometry under `geometry`).
 */
export function jsonRecords(value: unknown, file: string, problems: ProblemList): RawRecord[] {
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => {
      const origin = { file, where: `[${i}]` };
      if (!isObject(item)) {
        problems.error(origin, 'expected an object');
        return [];
      }
      return [{ origin, fields: tidy(item) }];
    });
  }
  if (isObject(value) && value.type === 'FeatureCollection' && Array.isArray(value.features)) {
    return value.features.flatMap((feature: unknown, i: number) => {
      const origin = { file, where: `features[${i}]` };
      if (!isObject(feature) || feature.type !== 'Feature') {
        problems.error(origin, 'expected a GeoJSON Feature');
        return [];
      }
      const properties = isObject(feature.properties) ? feature.properties : {};
      return [{ origin, fields: tidy({ ...properties, geometry: feature.geometry }) }];
    });
  }
  problems.error(file, 'expected a JSON array of records or a GeoJSON FeatureCollection');
  return [];
}

/**
 * A CSV file's rows as records keyed by column, the header's aliases (Chinese column names)
 * turned into field names. A row with the wrong number of cells is reported and left out.
 */
export function csvRecords(
  text: string,
  file: string,
  aliases: Readonly<Record<string, string>>,
  problems: ProblemList,
): RawRecord[] {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parseCsv(text, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    const e = err as Error & { lines?: number };
    problems.error(
      e.lines ? { file, where: String(e.lines) } : file,
      `is not valid CSV: ${e.message}`,
    );
    return [];
  }
  const [header, ...body] = rows;
  if (!header) {
    problems.error(file, 'is empty: expected a header line');
    return [];
  }
  const columns = header.record.map((name) => aliases[name.trim().toLowerCase()] ?? name.trim());
  const known = new Set(Object.values(aliases));
  header.record.forEach((name, i) => {
    if (!known.has(columns[i]!))
      problems.warn({ file, where: '1' }, `unknown column "${name}" is ignored`);
  });
  const records: RawRecord[] = [];
  for (const { record, info } of body) {
    const origin = { file, where: String(info.lines) };
    if (record.length !== columns.length) {
      problems.error(
        origin,
        `has ${record.length} cells, the header has ${columns.length} (a comma inside a value needs quotes)`,
      );
      continue;
    }
    const fields: Record<string, unknown> = {};
    record.forEach((cell, i) => {
      if (cell !== '' && known.has(columns[i]!)) fields[columns[i]!] = cell;
    });
    records.push({ origin, fields });
  }
  return records;
}

/**
 * What GIS exports put in records that means nothing: QGIS writes null (or "") for an empty
 * attribute, as a CSV leaves its cell empty, and GDAL writes a height as a third coordinate.
 * Empty values are left out (but for parentId, whose null says "the city"), positions cut to
 * [lng, lat].
 */
function tidy(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if ((value === null || value === '') && key !== 'parentId') continue;
    if (key === 'geometry' && isObject(value) && Array.isArray(value.coordinates))
      out[key] = { ...value, coordinates: flat2d(value.coordinates) };
    else if (key === 'position' || key === 'center' || key === 'route') out[key] = flat2d(value);
    else out[key] = value;
  }
  return out;
}

function flat2d(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  if (value.length > 2 && value.every((x) => typeof x === 'number')) return value.slice(0, 2);
  return value.map(flat2d);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
