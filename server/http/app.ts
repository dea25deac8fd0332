import { existsSync } from 'node:fs';
import { join } from 'node:path';
import compression from 'compression';
import express, { type Express, type Router } from 'express';
import type { City } from '../../shared/index.js';
import type { Attachments } from '../attachments/index.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Auth } from '../auth/auth.js';
import type { Config } from '../config.js';
import { HttpError } from '../http-error.js';
import type { Board } from '../live/board.js';
import type { Clock } from '../live/clock.js';
import type { Metrics } from '../metrics.js';
import type { FieldPositions } from '../field/positions.js';
import type { IngestService } from '../ingest/service.js';
import { open311Routes } from '../open311/routes.js';
import type { Scopes } from '../levels/scopes.js';
import type { Store } from '../store/store.js';
import type { WorkflowService } from '../workflow/service.js';
import { webhookRoutes } from '../webhooks/routes.js';
import type { Webhooks } from '../webhooks/webhooks.js';
import { warningRoutes } from '../warnings/routes.js';
import { statsRoutes } from '../stats/routes.js';
import { replayRoutes } from '../replay/routes.js';
import type { StatsService } from '../stats/service.js';
import type { WarningService } from '../warnings/service.js';
import { tourPlanRoutes, videoPatrolRoutes } from '../video-patrols/routes.js';
import type { VideoPatrols } from '../video-patrols/service.js';
import { auditRoutes } from './audit-routes.js';
import { authRoutes } from './auth-routes.js';
import { basemapRoutes } from './basemap.js';
import { cityRoutes } from './city-routes.js';
import {
  fieldRoutes,
  patrolFeedRoutes,
  registrationRoutes,
  trailRoutes,
  videoPatrolReportRoutes,
} from './field-routes.js';
import { incidentRoutes } from './incident-routes.js';
import { ingestRoutes, type IntakeEndpoint } from './ingest-routes.js';
import { BODY_LIMIT_BYTES } from './json-body.js';
import { compileTrust } from './client-address.js';
import { metricsGate } from './metrics-gate.js';
import { requestLog } from './request-log.js';
import { errorHandler, handle, requireUser } from './middleware.js';

export interface AppDeps {
  config: Config;
  city: City;
  /** The city package's basemap folder, if it has one. */
  basemapDir: string | undefined;
  auth: Auth;
  store: Store;
  board: Board;
  intake: IntakeEndpoint;
  ingest: IngestService;
  workflow: WorkflowService;
  /** Where grid workers and patrols are. */
  positions: FieldPositions;
  /** Photos: the upload route, and links to them in incident details. */
  attachments: Attachments;
  metrics: Metrics;
  clock: Clock;
  /** The audit trail (审计日志), read back at /api/v1/audit. */
  audit: AuditLog;
  /** Sub-centres' areas: what each user may see and act on. */
  scopes: Scopes;
  warnings: WarningService;
  /** Statistics over any period, from the rollups. */
  stats: StatsService;
  /** Camera streams: the stream-URL API, and the stream GETs when the server's fast path is not used. */
  streams: Router;
  /** Outbound webhooks (订阅推送), managed at /api/v1/admin/webhooks. */
  webhooks?: Webhooks;
  /** Video patrols (视频巡查): tour plans and the patrol log. */
  videoPatrols: VideoPatrols;
}

/** Assembles the HTTP side: the API, the metrics, the basemap and the built web app. */
export function createApp(deps: AppDeps): Express {
  const { config, city } = deps;
  const app = express();
  app.disable('x-powered-by');
  if (config.trustProxy !== undefined) app.set('trust proxy', compileTrust(config.trustProxy));
  // API answers are small and per request; hashing them for an ETag only costs time.
  app.set('etag', false);
  // First, so that it times everything and every answer carries X-Request-Id.
  app.use(requestLog(deps.metrics));
  // Intake answers are a few bytes at up to thousands a second: not worth compressing.
  app.use(
    compression({
      filter: (req, res) => !req.path.startsWith('/api/v1/reports') && compression.filter(req, res),
    }),
  );
  // An intake POST without a valid key is refused before its body is read.
  app.post(
    ['/api/v1/reports', '/api/v1/reports/batch', '/api/v1/patrols/positions'],
    (req, res, next) => {
      try {
        deps.intake.gate(req.headers.authorization);
      } catch (err) {
        res.setHeader('connection', 'close');
        deps.intake.refused(401);
        throw err;
      }
      next();
    },
  );
  app.use('/api', express.json({ limit: BODY_LIMIT_BYTES }));

  app.get('/api/health', (_req, res) => {
    res.json({ status: 'ok', seq: deps.store.lastSeq(), demo: config.demo });
  });
  app.get(
    '/metrics',
    metricsGate(config.metricsToken),
    handle(async (_req, res) => {
      res.type('text/plain; version=0.0.4').send(await deps.metrics.render());
    }),
  );
  // Public: what the login page and the map need before anyone signs in.
  app.get('/api/v1/client-config', (_req, res) => {
    res.json({
      mapStyleUrl: config.mapStyleUrl,
      city: city.info,
      demo: config.demo,
      // The centre's calendar: its days and clocks on every screen, whatever the PC's zone.
      utcOffsetMinutes: config.utcOffsetMinutes,
      // The centres and deadlines, so a desk offers only the handovers the server will accept.
      levels: deps.scopes.rules,
      // Names and areas only, for the desks' push-to-wall target list; the tokens stay here.
      walls: deps.auth.accounts.current.deviceTokens.map((d) => ({
        name: d.name,
        ...(d.title ? { title: d.title } : {}),
        ...(d.regionId ? { regionId: d.regionId } : {}),
      })),
    });
  });
  app.get('/api/v1/regions', (_req, res) => void res.json(city.regions));

  app.use('/api/v1/auth', authRoutes(deps.auth, deps.metrics));
  app.use('/api/v1', ingestRoutes(deps.intake));
  app.use('/api/v1', patrolFeedRoutes(deps.intake, deps.positions));
  // Past login and intake, the API is for signed-in users only, routes that do not exist
  // included: they answer 401 to strangers, 404 to users. Each router checks its roles.
  app.use('/api/v1', requireUser(deps.auth));
  app.use(
    '/api/v1/incidents',
    incidentRoutes(deps.auth, deps.store, deps.workflow, deps.clock, deps.attachments, deps.scopes),
  );
  // Before the phones' own routes, which are for the phones' roles only.
  app.use('/api/v1', trailRoutes(deps.auth, deps.positions, deps.scopes));
  app.use(
    '/api/v1/field',
    fieldRoutes({
      auth: deps.auth,
      ingest: deps.ingest,
      store: deps.store,
      board: deps.board,
      positions: deps.positions,
      photos: deps.attachments,
      clock: deps.clock,
    }),
  );
  app.use(
    '/api/v1',
    registrationRoutes(deps.auth, deps.ingest, deps.attachments, deps.clock, deps.scopes),
  );
  app.use(
    '/api/v1',
    videoPatrolReportRoutes(
      deps.auth,
      deps.ingest,
      deps.attachments,
      deps.clock,
      deps.scopes,
      city.cameras,
    ),
  );
  app.use('/api/v1', deps.attachments.router);
  app.use('/api/v1', cityRoutes(deps.auth, city, deps.board, deps.scopes));
  app.use(
    '/api/v1/warnings',
    warningRoutes(deps.auth, deps.store, deps.board, deps.warnings, deps.scopes),
  );
  app.use('/api/v1/tour-plans', tourPlanRoutes(deps.auth, deps.videoPatrols));
  app.use('/api/v1/video-patrols', videoPatrolRoutes(deps.auth, deps.videoPatrols));
  app.use('/api/v1/stats', statsRoutes(deps.auth, deps.stats, deps.scopes, deps.store));
  app.use(
    '/api/v1/replay',
    replayRoutes(
      deps.auth,
      deps.store,
      deps.scopes,
      (scope, area) => deps.stats.areaFor(scope, area),
      config.utcOffsetMinutes,
    ),
  );
  app.use('/api/v1/audit', auditRoutes(deps.auth, deps.audit, config.utcOffsetMinutes));
  if (deps.webhooks)
    app.use('/api/v1/admin/webhooks', webhookRoutes(deps.auth, deps.webhooks, deps.audit));
  app.use(deps.streams);
  // Open311 GeoReport v2 for civic-reporting clients, on the intake's keys (docs/API.md).
  app.use(
    '/open311/v2',
    open311Routes({
      intake: deps.intake,
      ingest: deps.ingest,
      store: deps.store,
      city,
      clock: deps.clock,
      metrics: deps.metrics,
      utcOffsetMinutes: config.utcOffsetMinutes,
    }),
  );
  app.use('/api', (req, _res, next) => {
    next(
      new HttpError(404, `no such API route: ${req.method} ${req.originalUrl}`, {
        code: 'route_not_found',
      }),
    );
  });

  app.use(basemapRoutes(deps.basemapDir, city.info));

  if (existsSync(config.webDir)) {
    app.use(express.static(config.webDir, { index: false, maxAge: '1h' }));
    // The web app routes on the client (/wall, /desk, /brief, /login): other GETs get the shell.
    app.get(
      /^\/(?!api\/|basemap\/|socket\.io\/|metrics|streams\/|files\/|open311\/).*/,
      (_req, res) => {
        res.sendFile(join(config.webDir, 'index.html'), { maxAge: 0 });
      },
    );
  }

  app.use(errorHandler);
  return app;
}
