/**
 * What the city checker finds, one line each, like a compiler: the file, the place in it,
 * the record's id, the field, and what is wrong. The server prints the same lines at start.
 */
export interface CityProblem {
  /** The file, relative to the package folder. */
  file: string;
  /** Where in the file: a CSV line number ("17") or a JSON path ("features[312]", "[4]"). */
  where?: string;
  /** The record's id, when it has one. */
  id?: string;
  /** The field (property, column) at fault, or "geometry". */
  field?: string;
  message: string;
  /** Errors stop the server; warnings are printed and the package is loaded. */
  severity: 'error' | 'warning';
}

/** Where a record came from, to name it in a problem. */
export interface RecordOrigin {
  file: string;
  where: string;
}

/** An earlier record, as a message about one in `file` names it: "line 2", "features[3]". */
export function describeOrigin(origin: RecordOrigin, file: string): string {
  const where = /^\d+$/.test(origin.where) ? `line ${origin.where}` : origin.where;
  return origin.file === file ? where : `${origin.file}:${origin.where}`;
}

export function formatProblem(p: CityProblem): string {
  const head = [p.where ? `${p.file}:${p.where}` : p.file, p.id, p.field].filter(Boolean);
  return `${head.join(': ')}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
}

/** Collects problems; every check appends here instead of throwing at the first. */
export class ProblemList {
  readonly items: CityProblem[] = [];

  error(origin: RecordOrigin | string, message: string, id?: string, field?: string): void {
    this.add('error', origin, message, id, field);
  }

  warn(origin: RecordOrigin | string, message: string, id?: string, field?: string): void {
    this.add('warning', origin, message, id, field);
  }

  get errors(): CityProblem[] {
    return this.items.filter((p) => p.severity === 'error');
  }

  private add(
    severity: CityProblem['severity'],
    origin: RecordOrigin | string,
    message: string,
    id?: string,
    field?: string,
  ): void {
    const { file, where } =
      typeof origin === 'string' ? { file: origin, where: undefined } : origin;
    this.items.push({ file, where, id, field, message, severity });
  }
}

/** Square metres as people read them: 1,234 m². */
export function squareMetres(m2: number): string {
  return `${Math.round(m2).toLocaleString('en-US')} m²`;
}

/** A point as it appears in a message: lng,lat to 5 decimals (about a metre). */
export function at([lng, lat]: readonly [number, number]): string {
  return `${lng.toFixed(5)},${lat.toFixed(5)}`;
}
