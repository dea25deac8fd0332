import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { Actor, Role } from '../../shared/index.js';
import { actorFrom, bearer, type Auth, type Principal } from '../auth/auth.js';
import { errorBody, fieldProblems, HttpError, type ErrorBody } from '../http-error.js';
import { moduleLog } from '../log.js';
import { BODY_NOT_JSON, BODY_TOO_LARGE } from './json-body.js';

const log = moduleLog('http');

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** Wraps an async handler so a rejection reaches the error handler instead of hanging. */
export const handle =
  (fn: (req: Request, res: Response) => Promise<unknown>): RequestHandler =>
  (req, res, next: NextFunction) => {
    fn(req, res).catch(next);
  };

/** Requires a session or device token; with roles, only those roles pass (403 otherwise). */
export function requireUser(auth: Auth, roles?: readonly Role[]): RequestHandler {
  return (req, _res, next) => {
    // The API's own guard has found the principal already: a router's guard checks its roles.
    (req.principal
      ? Promise.resolve(req.principal)
      : auth.authenticate(bearer(req.headers.authorization))
    )
      .then((principal) => {
        if (!principal)
          throw new HttpError(401, 'log in first: missing, unknown or expired token', {
            code: 'unauthenticated',
          });
        if (roles && !roles.includes(principal.role)) {
          throw new HttpError(403, `role ${principal.role} may not do this`, {
            code: 'role_forbidden',
          });
        }
        req.principal = principal;
        next();
      })
      .catch(next);
  };
}

/** The actor an action is recorded under: who, never their session. */
export function actorOf(req: Request): Actor {
  return actorFrom(req.principal!);
}

/** Parses with a zod schema, or answers 400 naming every bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = fieldProblems(result.error);
  // The message still names every field, for API users reading a log or a curl answer.
  throw new HttpError(400, fields.map((f) => `${f.path}: ${f.message}`).join('; '), {
    code: 'invalid_fields',
    fields,
  });
}

/** Express's and body-parser's own errors (status, type) as the refusals our clients read. */
function asHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const e = err as { status?: number; statusCode?: number; type?: string; message?: string };
  if (e.type === 'entity.too.large')
    return new HttpError(413, BODY_TOO_LARGE, { code: 'body_too_large' });
  if (e.type === 'entity.parse.failed')
    return new HttpError(400, BODY_NOT_JSON, { code: 'body_not_json' });
  const status = e.status ?? e.statusCode ?? 500;
  return new HttpError(status, e.message ?? 'bad request');
}

export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  const known = asHttpError(err);
  if (known.status >= 500) {
    // Logged here and shown only as `internal`: a 5xx's details stay on the server.
    log.error({ err, reqId: req.requestId }, 'request failed');
    const body: ErrorBody = { error: { code: 'internal', message: 'internal error' } };
    res.status(known.status).json(body);
    return;
  }
  const { status, body } = errorBody(known);
  res.status(status).json(body);
};
