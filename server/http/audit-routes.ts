import { Router } from 'express';
import { z } from 'zod';
import { IdSchema } from '../../shared/index.js';
import { AUDIT_ACTIONS, AUDIT_PAGE_LIMIT, type AuditPage } from '../audit/audit.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Auth } from '../auth/auth.js';
import { HttpError } from '../http-error.js';
import { handle, parse, requireUser } from './middleware.js';

const instant = z.iso
  .datetime({ offset: true })
  .transform((s) => new Date(s).toISOString())
  .optional();

// Strict: a misspelt filter (`users=`, `cameraId=`) is refused, not silently read as "everyone".
const AuditQuerySchema = z
  .strictObject({
    user: z.string().min(1).max(200).optional(),
    camera: IdSchema.optional(),
    incident: IdSchema.optional(),
    /** One action or several, comma-separated. */
    action: z
      .string()
      .transform((s) => s.split(',').filter(Boolean))
      .pipe(z.array(z.enum(AUDIT_ACTIONS)).min(1))
      .optional(),
    from: instant,
    to: instant,
    limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_LIMIT).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, {
    path: ['to'],
    message: 'must be after from',
  });

/**
 * `GET /api/v1/audit`: the audit trail, newest first, for the `admin` role only. Reading it is
 * itself recorded: who looked at whom is part of the trail.
 */
export function auditRoutes(auth: Auth, audit: AuditLog, utcOffsetMinutes: number): Router {
  const router = Router();
  router.get(
    '/',
    requireUser(auth),
    // requireUser's own role check would refuse before anyone knew; an attempt on the trail by
    // another role is worth a row of its own.
    (req, _res, next) => {
      const { id, role } = req.principal!;
      if (role === 'admin') return next();
      audit.record({
        action: 'audit.read',
        actor: id,
        actorRole: role,
        address: req.ip ?? req.socket.remoteAddress,
        outcome: 'refused',
      });
      next(new HttpError(403, `role ${role} may not do this`, { code: 'role_forbidden' }));
    },
    handle(async (req, res) => {
      const q = parse(AuditQuerySchema, req.query);
      const { total, entries } = await audit.query({
        actor: q.user,
        cameraId: q.camera,
        incidentId: q.incident,
        actions: q.action,
        from: q.from,
        to: q.to,
        limit: q.limit,
        offset: q.offset,
      });
      const { id, role } = req.principal!;
      const filters = Object.fromEntries(
        Object.entries(req.query).filter(([k]) => k !== 'limit' && k !== 'offset'),
      );
      audit.record({
        action: 'audit.read',
        actor: id,
        actorRole: role,
        address: req.ip ?? req.socket.remoteAddress,
        detail: {
          ...(Object.keys(filters).length ? { filters } : {}),
          offset: q.offset,
          returned: entries.length,
        },
      });
      const page: AuditPage = {
        total,
        limit: q.limit,
        offset: q.offset,
        utcOffsetMinutes,
        entries,
      };
      res.json(page);
    }),
  );
  return router;
}
