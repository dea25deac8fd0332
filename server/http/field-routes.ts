import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import {
  FIELD_ROLES,
  FieldPositionSchema,
  FieldReportSchema,
  isOpenState,
  PatrolPositionsSchema,
  RegistrationSchema,
  VideoPatrolReportSchema,
  type Camera,
  summarize,
  type FieldTasksResponse,
  type Crs,
  type LngLat,
  type ReportInputParsed,
} from '../../shared/index.js';
import { VIDEO_REPORT_ROLES } from '../../shared/domain/cameras.js';
import { actorFrom, type Auth } from '../auth/auth.js';
import { toWgs84 } from '../city/crs.js';
import type { FieldPositions } from '../field/positions.js';
import { phoneIntegration, submitFieldReport } from '../field/reports.js';
import { HttpError } from '../http-error.js';
import type { IngestService } from '../ingest/service.js';
import type { Scopes } from '../levels/scopes.js';
import type { Board } from '../live/board.js';
import type { Clock } from '../live/clock.js';
import type { Store } from '../store/store.js';
import { checkPhotos, type PhotoCheck } from '../workflow/service.js';
import type { IntakeEndpoint } from './ingest-routes.js';
import { handle, parse, requireUser } from './middleware.js';

const TASKS_LIMIT = 200;
const REPORTED_DAYS = 7;
const REPORTED_LIMIT = 100;

export interface FieldDeps {
  auth: Auth;
  ingest: IngestService;
  store: Store;
  board: Board;
  positions: FieldPositions;
  photos: PhotoCheck;
  clock: Clock;
}

/**
 * The phones' API (/api/v1/field): a grid worker's or patrol's reports under their own name,
 * their tasks, and where they are while on duty. Each acts only as the worker it is bound to.
 */
export function fieldRoutes(deps: FieldDeps): Router {
  const { auth, ingest, store, board, positions, photos, clock } = deps;
  const router = Router();
  router.use(requireUser(auth, FIELD_ROLES));

  router.post(
    '/reports',
    handle(async (req, res) => {
      const principal = req.principal!;
      const report = parse(FieldReportSchema, req.body);
      if (report.selfHandled && principal.role !== 'grid')
        throw new HttpError(403, 'only a grid worker settles a matter on the spot (自行处置)', {
          code: 'role_forbidden',
        });
      checkPhotos(photos, report.photos, 'photos');
      checkPhotos(photos, report.selfHandled?.photos, 'selfHandled.photos');
      const outcome = await submitFieldReport(
        ingest,
        { ...actorFrom(principal), role: principal.role as 'grid' | 'patrol' },
        report,
      );
      res.status(outcome!.result === 'created' ? 201 : 200).json(outcome);
    }),
  );

  router.get(
    '/tasks',
    handle(async (req, res) => {
      const principal = req.principal!;
      const since = new Date(clock().getTime() - REPORTED_DAYS * 86_400_000).toISOString();
      const tasks =
        principal.role === 'grid'
          ? (await store.workerTasks(principal.gridWorkerId!, TASKS_LIMIT)).map(summarize)
          : [...board.incidents.values()]
              .filter(
                (i) => isOpenState(i.state) && (i.patrolIds ?? []).includes(principal.patrolId!),
              )
              .sort((a, b) => b.reportedAt.localeCompare(a.reportedAt))
              .slice(0, TASKS_LIMIT);
      const reported = (
        await store.reportedBy(phoneIntegration(principal.id), since, REPORTED_LIMIT)
      ).map(summarize);
      res.json({ tasks, reported } satisfies FieldTasksResponse);
    }),
  );

  router.post('/position', (req, res) => {
    const principal = req.principal!;
    const fix = parse(FieldPositionSchema, req.body);
    const position = inWgs84([fix.lng, fix.lat], fix.crs);
    const at = fix.at ? new Date(fix.at).toISOString() : clock().toISOString();
    if (principal.role === 'grid')
      positions.moveWorker(principal.gridWorkerId!, position, at, fix.accuracy);
    else
      positions.movePatrols([
        {
          id: principal.patrolId!,
          position,
          ...(fix.heading !== undefined ? { heading: fix.heading } : {}),
        },
      ]);
    res.status(204).end();
  });

  router.delete('/position', (req, res) => {
    const principal = req.principal!;
    if (principal.role === 'grid') positions.offDuty(principal.gridWorkerId!);
    res.status(204).end();
  });
  return router;
}

/** A trail for the centre's screens: where a grid worker or patrol went lately. */
export function trailRoutes(auth: Auth, positions: FieldPositions, scopes: Scopes): Router {
  const router = Router();
  router.get(
    '/field/trails/:key',
    requireUser(auth, ['duty', 'operator', 'leader']),
    (req, res) => {
      const key = String(req.params.key);
      if (!/^(grid|patrol):[A-Za-z0-9_.:-]{1,64}$/.test(key))
        throw new HttpError(400, 'key: grid:<grid worker id> or patrol:<patrol id>', {
          code: 'invalid_fields',
          fields: [{ path: 'key', message: 'grid:<id> or patrol:<id>' }],
        });
      const [kind, id] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
      const scope = scopes.of(req.principal!);
      if (!(kind === 'grid' ? scopes.workerIn(scope, id) : scopes.patrolIn(scope, id)))
        throw new HttpError(403, `${key} works outside your area`, { code: 'outside_your_area' });
      res.json({ points: positions.trailOf(key) });
    },
  );
  return router;
}

/**
 * POST /api/v1/patrols/positions with an integration key: a patrol-tracking system's feed.
 * Mounted beside intake, before the login guard.
 */
export function patrolFeedRoutes(intake: IntakeEndpoint, positions: FieldPositions): Router {
  const router = Router();
  router.post('/patrols/positions', (req, res) => {
    intake.gate(req.headers.authorization);
    const { positions: given } = parse(PatrolPositionsSchema, req.body);
    const unknown = positions.movePatrols(
      given.map((p) => ({
        id: p.id,
        position: inWgs84(p.position, p.crs),
        ...(p.heading !== undefined ? { heading: p.heading } : {}),
        ...(p.status ? { status: p.status } : {}),
      })),
    );
    res.json({ accepted: given.length - unknown.length, unknown });
  });
  return router;
}

/**
 * POST /api/v1/registrations: the reception registers a walk-in, call or letter (登记); with an
 * answer, 即办: closed in the same step.
 */
export function registrationRoutes(
  auth: Auth,
  ingest: IngestService,
  photos: PhotoCheck,
  clock: Clock,
  scopes: Scopes,
): Router {
  const router = Router();
  router.post(
    '/registrations',
    requireUser(auth, ['duty']),
    handle(async (req, res) => {
      const principal = req.principal!;
      const r = parse(RegistrationSchema, req.body);
      checkPhotos(photos, r.photos, 'photos');
      const input: ReportInputParsed = {
        source: r.channel,
        externalId: `REG-${randomUUID()}`,
        category: r.category,
        ...(r.severity ? { severity: r.severity } : {}),
        ...(r.groupRisk !== undefined ? { groupRisk: r.groupRisk } : {}),
        title: r.title,
        description: r.description,
        location: r.location,
        time: clock().toISOString(),
        reporter: r.contact.name,
      };
      const scope = scopes.of(principal);
      const [outcome] = await ingest.submit([input], 'reception', {
        // A sub-centre's reception keeps what it registers, in its own area.
        actor: scopes.actor(actorFrom(principal)),
        ...(scope ? { within: scope } : {}),
        photos: r.photos,
        contact: r.contact,
        ...(r.answer ? { settle: { resolution: 'immediate', comment: r.answer } } : {}),
      });
      res.status(outcome!.result === 'created' ? 201 : 200).json(outcome);
    }),
  );
  return router;
}

/** How far back a picture a video patrol reports may be: as far as recordings are kept. */
const SEEN_WITHIN_MS = 30 * 86_400_000;

/**
 * POST /api/v1/cameras/:id/reports: what a duty officer or operator saw on a camera's tile
 * (视频巡查), with the snapshot, at the camera's place; a sub-centre's only on its own cameras.
 */
export function videoPatrolReportRoutes(
  auth: Auth,
  ingest: IngestService,
  photos: PhotoCheck,
  clock: Clock,
  scopes: Scopes,
  cameras: readonly Camera[],
): Router {
  const router = Router();
  const byId = new Map(cameras.map((c) => [c.id, c]));
  router.post(
    '/cameras/:id/reports',
    requireUser(auth, VIDEO_REPORT_ROLES),
    handle(async (req, res) => {
      const principal = req.principal!;
      const camera = byId.get(req.params.id as string);
      if (!camera) throw new HttpError(404, 'no such camera');
      scopes.checkCamera(principal, camera.id);
      const scope = scopes.of(principal);
      const r = parse(VideoPatrolReportSchema, req.body);
      const seen = Date.parse(r.seenAt);
      const now = clock().getTime();
      if (seen > now + 5_000 || seen < now - SEEN_WITHIN_MS) {
        const message = 'must be a time the camera has recorded: not in the future, within 30 days';
        throw new HttpError(400, `seenAt: ${message}`, {
          code: 'invalid_fields',
          fields: [{ path: 'seenAt', message }],
        });
      }
      checkPhotos(photos, r.photos, 'photos');
      const input: ReportInputParsed = {
        source: 'video-patrol',
        externalId: `VP-${randomUUID()}`,
        category: r.category,
        ...(r.severity ? { severity: r.severity } : {}),
        title: r.title,
        description: r.description,
        location: { lng: camera.position[0], lat: camera.position[1] },
        time: new Date(seen).toISOString(),
        cameraId: camera.id,
        reporter: principal.name,
      };
      const [outcome] = await ingest.submit([input], 'video-patrol', {
        actor: scopes.actor(actorFrom(principal)),
        ...(scope ? { within: scope } : {}),
        photos: r.photos,
      });
      res.status(outcome!.result === 'created' ? 201 : 200).json(outcome);
    }),
  );
  return router;
}

function inWgs84(position: LngLat, crs: Crs | undefined): LngLat {
  return crs ? toWgs84(crs)(position) : position;
}
