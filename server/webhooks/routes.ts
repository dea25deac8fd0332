import { Router, type Request } from 'express';
import type { AuditTrail } from '../audit/audit.js';
import type { Auth } from '../auth/auth.js';
import { handle, parse, requireUser } from '../http/middleware.js';
import { CreateSchema, DeliveryQuerySchema, PatchSchema } from './schema.js';
import type { Webhooks } from './webhooks.js';

/**
 * `/api/v1/admin/webhooks`: outbound webhook subscriptions and their delivery log, for the
 * `admin` role only (who connects the centre to other systems is the administrator's call).
 */
export function webhookRoutes(auth: Auth, webhooks: Webhooks, audit: AuditTrail): Router {
  const router = Router();
  router.use(requireUser(auth, ['admin']));
  const id = (p: unknown) => String(p);
  // Where the centre's data goes is on the audit trail: who pointed it where, and when.
  const changed = (
    req: Request,
    op: string,
    target: string,
    detail: Record<string, unknown> = {},
  ) =>
    audit.record({
      action: 'webhook.changed',
      actor: req.principal!.id,
      actorRole: req.principal!.role,
      address: req.ip,
      target,
      detail: { op, ...detail },
    });

  router.get('/', (_req, res) => void res.json({ webhooks: webhooks.list() }));
  router.post(
    '/',
    handle(async (req, res) => {
      const webhook = webhooks.create(parse(CreateSchema, req.body ?? {}));
      changed(req, 'create', webhook.id, { name: webhook.name });
      res.status(201).json({ webhook });
    }),
  );
  router.get('/:id', (req, res) => void res.json({ webhook: webhooks.get(id(req.params.id)) }));
  router.patch(
    '/:id',
    handle(async (req, res) => {
      const patch = parse(PatchSchema, req.body ?? {});
      const webhook = webhooks.update(id(req.params.id), patch);
      changed(req, 'update', webhook.id, { fields: Object.keys(patch) });
      res.json({ webhook });
    }),
  );
  router.delete('/:id', (req, res) => {
    webhooks.remove(id(req.params.id));
    changed(req, 'delete', id(req.params.id));
    res.status(204).end();
  });
  router.post('/:id/rotate-secret', (req, res) => {
    const rotated = webhooks.rotateSecret(id(req.params.id));
    changed(req, 'rotate-secret', id(req.params.id));
    res.json(rotated);
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
