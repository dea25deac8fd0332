import { Router } from 'express';
import { z } from 'zod';
import { AuthError, type Auth } from '../auth/auth.js';
import { HttpError } from '../http-error.js';
import { handle, parse, requireUser } from './middleware.js';

const LoginSchema = z.object({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(200),
});

export function authRoutes(auth: Auth): Router {
  const router = Router();
  router.post(
    '/login',
    handle(async (req, res) => {
      const { username, password } = parse(LoginSchema, req.body);
      try {
        res.json(await auth.login(username, password));
      } catch (err) {
        if (err instanceof AuthError) throw new HttpError(401, err.message);
        throw err;
      }
    }),
  );
  router.post(
    '/logout',
    requireUser(auth),
    handle(async (req, res) => {
      await auth.logout(req.principal!);
      res.status(204).end();
    }),
  );
  router.get('/me', requireUser(auth), (req, res) => {
    const { id, name, role } = req.principal!;
    res.json({ username: id, name, role });
  });
  return router;
}
