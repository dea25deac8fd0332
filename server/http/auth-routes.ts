import { Router } from 'express';
import { z } from 'zod';
import { AuthError, type Auth } from '../auth/auth.js';
import { bindingsOf } from '../auth/bindings.js';
import { HttpError } from '../http-error.js';
import type { Metrics } from '../metrics.js';
import { handle, parse, requireUser } from './middleware.js';

const LoginSchema = z.object({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(200),
});

export function authRoutes(auth: Auth, metrics: Metrics): Router {
  const router = Router();
  router.post(
    '/login',
    handle(async (req, res) => {
      const { username, password } = parse(LoginSchema, req.body);
      try {
        res.json(await auth.login(username, password, req.ip));
        metrics.count('citybrain_logins_total', 'login attempts, by result', 1, { result: 'ok' });
      } catch (err) {
        if (!(err instanceof AuthError)) throw err;
        metrics.count('citybrain_logins_total', 'login attempts, by result', 1, {
          result: err.code,
        });
        if (err.retryAfterSeconds) {
          res.setHeader('Retry-After', String(err.retryAfterSeconds));
          throw new HttpError(429, err.message, { code: err.code });
        }
        throw new HttpError(401, err.message, { code: err.code });
      }
    }),
  );
  router.post(
    '/logout',
    requireUser(auth),
    handle(async (req, res) => {
      await auth.logout(req.principal!, req.ip);
      res.status(204).end();
    }),
  );
  router.get('/me', requireUser(auth), (req, res) => {
    const principal = req.principal!;
    const { id, name, role } = principal;
    // With its binding, so a phone signed in earlier knows again whose worker or patrol it is.
    res.json({
      username: id,
      name,
      role,
      ...bindingsOf(principal),
      ...(principal.wall ? { wall: principal.wall } : {}),
    });
  });
  return router;
}
