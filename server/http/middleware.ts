import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { Actor, Role } from '../../shared/index.js';
import { bearer, type Auth, type Principal } from '../auth/auth.js';
import { HttpError } from '../http-error.js';
import { BODY_NOT_JSON, BODY_TOO_LARGE } from './json-body.js';

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
    auth
      .authenticate(bearer(req.headers.authorization))
      .then((principal) => {
        if (!principal) throw new HttpError(401, 'log in first: missing, unknown or expired token');
        if (roles && !roles.includes(principal.role)) {
          throw new HttpError(403, `role ${principal.role} may not do this`);
        }
        req.principal = principal;
        next();
      })
      .catch(next);
  };
}

/** The actor an action is recorded under: who, never their session. */
export function actorOf(req: Request): Actor {
  const { id, name, role } = req.principal!;
  return { id, name, role };
}

/** Parses with a zod schema, or answers 400 naming every bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
  throw new HttpError(400, problems.join('; '));
}

export const errorHandler: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
  const e = err as { status?: number; statusCode?: number; type?: string; message?: string };
  const status = err instanceof HttpError ? err.status : (e.status ?? e.statusCode ?? 500);
  let message = status >= 500 ? 'internal error' : (e.message ?? 'bad request');
  if (e.type === 'entity.too.large') message = BODY_TOO_LARGE;
  if (e.type === 'entity.parse.failed') message = BODY_NOT_JSON;
  if (status >= 500) console.error(err);
  res.status(status).json({ error: message });
};
