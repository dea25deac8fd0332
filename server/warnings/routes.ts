import { Router } from 'express';
import { z } from 'zod';
import {
  byUrgency,
  IdSchema,
  WARNING_STATES,
  warningInScope,
  type Role,
} from '../../shared/index.js';
import type { Auth } from '../auth/auth.js';
import { actorOf, handle, parse, requireUser } from '../http/middleware.js';
import type { Scopes } from '../levels/scopes.js';
import type { Board } from '../live/board.js';
import type { Store } from '../store/store.js';
import type { WarningService } from './service.js';

/** Who reads warnings: the centre's own people, leaders included. */
const READERS: readonly Role[] = ['duty', 'operator', 'leader'];
/** Who acknowledges: whoever watches the screens; who ends one: the officer on duty. */
const ACKNOWLEDGERS: readonly Role[] = ['duty', 'operator'];
const RESOLVERS: readonly Role[] = ['duty'];

const ListQuerySchema = z.object({
  state: z.enum(['active', ...WARNING_STATES]).default('active'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
const AcknowledgeSchema = z.object({ note: z.string().trim().max(500).optional() }).default({});
const ResolveSchema = z.object({ note: z.string().trim().min(1).max(500) });

/** `/api/v1/warnings`: the list, 确认 and 解除 (docs/API.md). */
export function warningRoutes(
  auth: Auth,
  store: Store,
  board: Board,
  warnings: WarningService,
  scopes: Scopes,
): Router {
  const router = Router();
  router.get(
    '/',
    requireUser(auth, READERS),
    handle(async (req, res) => {
      const q = parse(ListQuerySchema, req.query);
      const scope = scopes.of(req.principal!);
      if (q.state === 'active') {
        // The live picture holds every active warning: no need to ask the database.
        const all = [...board.warnings.values()]
          .filter((w) => warningInScope(scope, w))
          .sort(byUrgency);
        res.json({ total: all.length, warnings: all.slice(q.offset, q.offset + q.limit) });
        return;
      }
      // Past warnings are few beside incidents: the page is cut to the area after reading.
      const { warnings: rows } = await store.queryWarnings({
        states: [q.state],
        limit: 10_000,
        offset: 0,
      });
      const mine = rows.filter((w) => warningInScope(scope, w));
      res.json({ total: mine.length, warnings: mine.slice(q.offset, q.offset + q.limit) });
    }),
  );
  router.post(
    '/:id/acknowledge',
    requireUser(auth, ACKNOWLEDGERS),
    handle(async (req, res) => {
      const id = parse(IdSchema, req.params.id);
      const { note } = parse(AcknowledgeSchema, req.body);
      res.json({ warning: await warnings.acknowledge(id, actorOf(req), note || undefined) });
    }),
  );
  router.post(
    '/:id/resolve',
    requireUser(auth, RESOLVERS),
    handle(async (req, res) => {
      const id = parse(IdSchema, req.params.id);
      const { note } = parse(ResolveSchema, req.body);
      res.json({ warning: await warnings.resolve(id, actorOf(req), note) });
    }),
  );
  return router;
}
