/** One field the server refused, by its path in the body or query (`location.lng`). */
export interface FieldProblem {
  path: string;
  message: string;
}

/** What every refusal looks like on the wire: a stable code for the screen, a message for people. */
export interface ErrorBody {
  error: { code: string; message: string; fields?: FieldProblem[] };
}

/** The code a refusal gets when its thrower names none: one per status. */
const STATUS_CODES: Readonly<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  415: 'unsupported_media_type',
  416: 'range_not_satisfiable',
  429: 'too_many_requests',
  500: 'internal',
  502: 'upstream_failed',
  503: 'unavailable',
  504: 'upstream_timeout',
};

export function codeForStatus(status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? 'internal' : 'bad_request');
}

/** An error that reaches the client as-is: a status, a stable code and a message saying what was wrong. */
export class HttpError extends Error {
  readonly code: string;
  readonly fields: FieldProblem[] | undefined;

  constructor(
    readonly status: number,
    message: string,
    options: { code?: string; fields?: FieldProblem[] } = {},
  ) {
    super(message);
    this.code = options.code ?? codeForStatus(status);
    this.fields = options.fields;
  }
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
