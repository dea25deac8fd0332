import type { z } from 'zod';
import {
  codeForStatus,
  type ErrorBody,
  type ErrorCode,
  type FieldProblem,
} from '../shared/errors.js';

// The wire shape and the codes live in shared/ so the web reads the same ones; typed codes make
// a typo a typecheck error rather than a code no screen has a text for.
export { codeForStatus };
export type { ErrorBody, ErrorCode, FieldProblem };

/** An error that reaches the client as-is: a status, a stable code and a message saying what was wrong. */
export class HttpError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldProblem[] | undefined;

  constructor(
    readonly status: number,
    message: string,
    options: { code?: ErrorCode; fields?: FieldProblem[] } = {},
  ) {
    super(message);
    this.code = options.code ?? codeForStatus(status);
    this.fields = options.fields;
  }
}

/** Each zod issue as the field it is about (`(body)` for the whole value), for `invalid_fields`. */
export function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
}

/** The body of a refusal. Anything but an HttpError is an internal error whose details stay here. */
export function errorBody(err: unknown): { status: number; body: ErrorBody } {
  if (!(err instanceof HttpError))
    return { status: 500, body: { error: { code: 'internal', message: 'internal error' } } };
  const error: ErrorBody['error'] = { code: err.code, message: err.message };
  if (err.fields?.length) error.fields = err.fields;
  return { status: err.status, body: { error } };
}

export const ACTION_ERROR_STATUS = {
  forbidden: 403,
  illegal: 409,
  stale: 409,
  invalid: 400,
} as const;
