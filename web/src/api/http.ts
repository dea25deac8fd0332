import { codeForStatus, type FieldProblem } from '../../../shared/errors.js';

/**
 * A refusal, from REST or from a socket command: its status and stable code. `message` is the
 * server's English, for the console only; screens show the locale's text for `code`
 * (i18n/errors.ts). A code this build does not know (a newer server) is kept as it came.
 */
export class ApiError extends Error {
  readonly code: string;
  readonly fields: FieldProblem[];

  constructor(
    readonly status: number,
    error: { code: string; message: string; fields?: FieldProblem[] },
    /** From `Retry-After`: how long the server asks us to wait (login throttling). */
    readonly retryAfterSeconds?: number,
  ) {
    super(error.message);
    this.name = 'ApiError';
    this.code = error.code;
    this.fields = error.fields ?? [];
  }
}

let token: string | undefined;
let unauthenticated: (() => void) | undefined;

/**
 * Called when the server says the token sent is no good any more (logged out elsewhere,
 * expired, the user disabled): the app goes back to its login page, wherever it was.
 */
export function whenUnauthenticated(handler: () => void): void {
  unauthenticated = handler;
}

export function setApiToken(next: string | undefined): void {
  token = next;
}

export async function apiFetch<T>(
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  if (!res.ok) throw refused(res, text);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Sends bytes as they are (a photo), with their type; answers JSON like apiFetch. */
export async function apiUpload<T>(path: string, body: Blob): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    headers: {
      'content-type': body.type || 'application/octet-stream',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body,
  });
  const text = await res.text();
  if (!res.ok) throw refused(res, text);
  return JSON.parse(text) as T;
}

/** Posts JSON and answers the bytes the server sent (a clip), with the file name it gave. */
export async function apiDownload(
  path: string,
  body: unknown,
): Promise<{ blob: Blob; filename: string | undefined }> {
  const res = await fetch(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw refused(res, await res.text());
  const disposition = res.headers.get('content-disposition') ?? '';
  return { blob: await res.blob(), filename: /filename="([^"]+)"/.exec(disposition)?.[1] };
}

/** The refusal, after telling the app when it means the session is over. */
function refused(res: Response, text: string): ApiError {
  const error = refusal(res, text);
  // A login's own 401 (a wrong password) sends no token and ends nothing.
  if (res.status === 401 && token && ['unauthenticated', 'session_ended'].includes(error.code))
    unauthenticated?.();
  return error;
}

/** Reads a refusal; a body without our shape (a proxy's HTML page) is named by its status. */
function refusal(res: Response, text: string): ApiError {
  let error: unknown;
  try {
    error = (JSON.parse(text) as { error?: unknown }).error;
  } catch {
    error = undefined;
  }
  const retryAfter = Number(res.headers.get('retry-after') ?? NaN);
  const seconds = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined;
  const shaped = error as { code?: unknown; message?: unknown; fields?: unknown } | undefined;
  if (shaped && typeof shaped === 'object' && typeof shaped.code === 'string') {
    return new ApiError(
      res.status,
      {
        code: shaped.code,
        message: typeof shaped.message === 'string' ? shaped.message : shaped.code,
        ...(Array.isArray(shaped.fields) ? { fields: shaped.fields as FieldProblem[] } : {}),
      },
      seconds,
    );
  }
  const message = typeof error === 'string' ? error : res.statusText || `HTTP ${res.status}`;
  return new ApiError(res.status, { code: codeForStatus(res.status), message }, seconds);
}
