import { Router } from 'express';
import type { Auth } from '../auth/auth.js';
import { handle, parse, requireUser } from '../http/middleware.js';
import { CreateSchema, DeliveryQuerySchema, PatchSchema } from './schema.js';
import type { Webhooks } from './webhooks.js';

/**
 * `/api/v1/admin/webhooks`: outbound webhook subscriptions and their delivery log, for the
 * `admin` role only (who connects the centre to other systems is the administrator's call).
 */
export function webhookRoutes(auth: Auth, webhooks: Webhooks): Router {
  const router = Router();
  router.use(requireUser(auth, ['admin']));
  const id = (p: unknown) => String(p);

  router.get('/', (_req, res) => void res.json({ webhooks: webhooks.list() }));
  router.post(
    '/',
    handle(async (req, res) => {
      res.status(201).json({ webhook: webhooks.create(parse(CreateSchema, req.body ?? {})) });
    }),
  );
  router.get('/:id', (req, res) => void res.json({ webhook: webhooks.get(id(req.params.id)) }));
  router.patch(
    '/:id',
    handle(async (req, res) => {
      const patch = parse(PatchSchema, req.body ?? {});
      res.json({ webhook: webhooks.update(id(req.params.id), patch) });
    }),
  );
  router.delete('/:id', (req, res) => {
    webhooks.remove(id(req.params.id));
    res.status(204).end();
  });
  router.post('/:id/rotate-secret', (req, res) => {
    res.json(webhooks.rotateSecret(id(req.params.id)));
  });
  router.get('/:id/deliveries', (req, res) => {
    const q = parse(DeliveryQuerySchema, req.query);
    res.json({ ...webhooks.deliveries(id(req.params.id), q), limit: q.limit, offset: q.offset });
  });
  router.post('/:id/deliveries/:deliveryId/redeliver', (req, res) => {
    res.json({ delivery: webhooks.redeliver(id(req.params.id), id(req.params.deliveryId)) });
  });
  return router;
}
