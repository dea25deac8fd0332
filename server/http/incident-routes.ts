import { Router, type Request } from 'express';
import { z } from 'zod';
import {
  type AttachmentLink,
  ActionRequestSchema,
  type Contact,
  type Incident,
  type IncidentDetailResponse,
  CategorySchema,
  IdSchema,
  IncidentStateSchema,
  LOOP_ROLES,
  summarize,
} from '../../shared/index.js';
import type { Auth } from '../auth/auth.js';
import { HttpError } from '../http-error.js';
import type { Scopes } from '../levels/scopes.js';
import type { Clock } from '../live/clock.js';
import type { Store } from '../store/store.js';
import type { WorkflowService } from '../workflow/service.js';
import { actorOf, handle, parse, requireUser } from './middleware.js';

const csv = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(item))
    .optional();

const instant = z.iso
  .datetime({ offset: true })
  .transform((s) => new Date(s).toISOString())
  .optional();

/** Reports sent with an incident's detail; the rest are paged. */
const FIRST_REPORTS = 50;

const PageSchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const ListQuerySchema = z.object({
  state: csv(IncidentStateSchema),
  category: csv(CategorySchema),
  region: IdSchema.optional(),
  from: instant,
  to: instant,
  overdue: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

/** Links to photos, for a reader the route has let see the incident. */
export interface PhotoLinks {
  links(ids: readonly string[]): Record<string, AttachmentLink>;
}

export function incidentRoutes(
  auth: Auth,
  store: Store,
  workflow: WorkflowService,
  clock: Clock,
  photos: PhotoLinks,
  scopes: Scopes,
): Router {
  /** An incident the asker may read: it exists and lies in their area. */
  const readable = async (req: Request, id: string): Promise<Incident> => {
    const incident = await store.getIncident(id);
    if (!incident) throw new HttpError(404, `no incident ${id}`, { code: 'incident_not_found' });
    scopes.check(req.principal!, incident);
    return incident;
  };
  const router = Router();
  // The loop's data is for the loop's roles: an auditor reads the trail, not the cases.
  router.use(requireUser(auth, LOOP_ROLES));

  router.get(
    '/',
    handle(async (req, res) => {
      const q = parse(ListQuerySchema, req.query);
      const { total, incidents } = await store.queryIncidents({
        states: q.state,
        categories: q.category,
        // A sub-centre's user lists its own area, or a part of it.
        regionId: scopes.narrow(scopes.of(req.principal!), q.region),
        from: q.from,
        to: q.to,
        dueBefore: q.overdue === 'true' ? clock().toISOString() : undefined,
        limit: q.limit,
        offset: q.offset,
      });
      res.json({ total, limit: q.limit, offset: q.offset, incidents: incidents.map(summarize) });
    }),
  );

  router.get(
    '/:id',
    handle(async (req, res) => {
      const id = String(req.params.id);
      const incident = await readable(req, id);
      // The first page of its reports: an incident a crowd reported has hundreds.
      const { total, reports } = await store.reportsOf(id, { limit: FIRST_REPORTS, offset: 0 });
      const ids = incident.timeline.flatMap((e) => e.photos ?? []);
      res.json({
        incident: req.principal!.role === 'duty' ? incident : withMaskedContact(incident),
        reports,
        reportsTotal: total,
        attachments: photos.links([...new Set(ids)]),
      } satisfies IncidentDetailResponse);
    }),
  );

  router.get(
    '/:id/reports',
    handle(async (req, res) => {
      const id = String(req.params.id);
      const page = parse(PageSchema, req.query);
      await readable(req, id);
      const { total, reports } = await store.reportsOf(id, page);
      res.json({ total, ...page, reports });
    }),
  );

  router.post(
    '/:id/actions',
    handle(async (req, res) => {
      const request = parse(ActionRequestSchema, req.body);
      const incident = await workflow.act(String(req.params.id), request, actorOf(req), {
        address: req.ip,
      });
      res.json({
        incident: req.principal!.role === 'duty' ? incident : withMaskedContact(incident),
      });
    }),
  );
  return router;
}

/**
 * A caller's phone is for the duty officers who call back; every other screen sees it masked
 * (138****5678), the way hotline systems show it.
 */
function withMaskedContact(incident: Incident): Incident {
  if (!incident.contact) return incident;
  return {
    ...incident,
    contact: { ...incident.contact, phone: maskPhone(incident.contact.phone) },
  };
}

export function maskPhone(phone: Contact['phone']): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}
