import type { z } from 'zod';
import type { ProblemList } from './problems.js';
import type { RawRecord } from './read.js';

/**
 * A record through its schema; each issue becomes a problem naming the field. Undefined when
 * the record has any error, so nothing half-read enters the city.
 */
export function validate<S extends z.ZodType>(
  schema: S,
  record: RawRecord,
  problems: ProblemList,
): z.output<S> | undefined {
  const parsed = schema.safeParse(record.fields);
  if (parsed.success) return parsed.data;
  const id = typeof record.fields.id === 'string' ? record.fields.id : undefined;
  const fromCsv = /^\d+$/.test(record.origin.where);
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String);
    // CSV gives the position as two columns: name the column, not the pair.
    const field =
      fromCsv && path[0] === 'position' && path.length > 1
        ? path[1] === '0'
          ? 'lng'
          : 'lat'
        : path.join('.') || '(record)';
    const missing = issue.code === 'invalid_type' && record.fields[path[0]!] === undefined;
    problems.error(record.origin, missing ? 'is missing' : issue.message, id, field);
  }
  return undefined;
}
