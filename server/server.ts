import type { AddressInfo } from 'node:net';
import { defaultLimits, inScope } from '../shared/index.js';
import { join } from 'node:path';
import { createAttachments } from './attachments/index.js';
import { AuditLog } from './audit/audit-log.js';
import { Auth } from './auth/auth.js';
import type { LoadedCity } from './city/index.js';
import { missingRegions } from './city/history.js';
import { levelRules, type Config } from './config.js';
import { FieldPositions } from './field/positions.js';
import { createApp } from './http/app.js';
import { clientAddress } from './http/client-address.js';
import { IntakeEndpoint } from './http/ingest-routes.js';
import { intakeFastPath } from './http/intake-fast-path.js';
import { securityHeaders } from './http/security-headers.js';
import { IngestService } from './ingest/service.js';
import { NearbyIncidents } from './ingest/nearby.js';
import { Board } from './live/board.js';
import { DeltaBus, WriteQueue } from './live/bus.js';
import { systemClock, type Clock } from './live/clock.js';
import { CentreDay } from './live/day.js';
import { KpiTracker } from './live/kpis.js';
import { moduleLog } from './log.js';
import { Metrics } from './metrics.js';
import { RealtimeHub } from './realtime/hub.js';
import { startNightlyBackups } from './store/backup.js';
import { databaseFile } from './store/open-database.js';
import { openSqliteStore } from './store/sqlite-store.js';
import { instrumentStore } from './store/instrumented.js';
import { createStreams } from './streams/index.js';
import { OverdueClock } from './workflow/overdue-clock.js';
import { Scopes } from './levels/scopes.js';
import { WarningService, withoutKey } from './warnings/service.js';
import { StatsService } from './stats/service.js';
import { WorkflowService } from './workflow/service.js';
import { Webhooks } from './webhooks/webhooks.js';
import { VideoPatrols } from './video-patrols/service.js';
import { createWebServer, withHttp2, type WebServer } from './http/web-server.js';

const log = moduleLog('server');

export interface RunningServer {
  url: string;
  http: WebServer;
  hub: RealtimeHub;
  auth: Auth;
  ingest: IngestService;
  workflow: WorkflowService;
  warnings: WarningService;
  positions: FieldPositions;
  /** The demo camera origin, when it runs: tests and benchmarks take cameras offline there. */
  originUrl: string | undefined;
  close(): Promise<void>;
}

/** Wires the modules together and listens; `main.ts` and the integration tests both use it. */
export async function startServer(
  config: Config,
  { city, basemapDir }: Pick<LoadedCity, 'city' | 'basemapDir'>,
  clock: Clock = systemClock,
): Promise<RunningServer> {
  const metrics = new Metrics();
  const store = instrumentStore(
    openSqliteStore(config.dataDir, {
      synchronous: config.store.synchronous,
      backupDir: config.store.backup.dir,
      utcOffsetMinutes: config.utcOffsetMinutes,
    }),
    metrics,
  );
  const backups = startNightlyBackups(
    databaseFile(config.dataDir),
    config.store.backup,
    config.utcOffsetMinutes,
    moduleLog('backup'),
  );
  const audit = new AuditLog(store, { retentionDays: config.audit.retentionDays, clock });
  await audit.start();
  const day = new CentreDay(config.utcOffsetMinutes);
  const now = clock();
  const board = new Board(
    await store.liveIncidents(day.start(now)),
    city.cameras.map((c) => c.id),
    await store.cameraStatuses(),
    (await store.activeWarnings()).map(withoutKey),
  );
  // An edited package may drop regions that today's incidents still name: said, not a crash.
  for (const line of missingRegions(city, board.incidents.values())) log.warn(line);
  const streets = city.regions.features
    .filter((f) => f.properties.level === 'street')
    .map((f) => f.properties.id);
  const kpis = new KpiTracker(board, day, streets);
  kpis.rebuild(now);
  const bus = new DeltaBus(store.lastSeq());
  // Outbound webhooks read the event log from their own cursor; the bus only nudges them.
  const webhooks = new Webhooks({
    databaseFile: databaseFile(config.dataDir),
    synchronous: config.store.synchronous,
    store,
    published: () => bus.lastPublished,
    metrics,
    clock,
    options: config.webhooks,
  });
  await webhooks.start();
  const queue = new WriteQueue();
  // Centres at every level: who works which area, and how matters move between levels.
  const scopes = new Scopes(city, levelRules(config.levels));
  const nearby = new NearbyIncidents(board.incidents.values());
  const auth = new Auth(config, store);
  auth.auditTo(audit);
  const attachments = createAttachments({
    dir: join(config.dataDir, 'attachments'),
    utcOffsetMinutes: config.utcOffsetMinutes,
    auth,
    clock,
    metrics,
    audit,
  });
  const workflow = new WorkflowService(
    store,
    bus,
    queue,
    city,
    clock,
    defaultLimits,
    audit,
    attachments,
    scopes,
  );
  const ingest = new IngestService(
    store,
    bus,
    queue,
    nearby,
    city,
    clock,
    day,
    defaultLimits,
    scopes.rules,
  );
  // Early warning (预警): rules over the same delta stream, warnings sequenced like incidents.
  const warnings = await WarningService.open({
    store,
    bus,
    queue,
    board,
    city,
    scopes,
    clock,
    day,
    audit,
    config: config.warnings,
  });
  const overdue = new OverdueClock(board, clock, (id, dueAt, what) =>
    workflow.flagOverdue(id, dueAt, what),
  );

  const streams = createStreams({
    config: config.streams,
    demo: config.demo,
    checkCameraArea: (principal, cameraId) => scopes.checkCamera(principal, cameraId),
    cameras: city.cameras.map((c) => ({ ...c, status: board.cameras.get(c.id) ?? c.status })),
    auth,
    metrics,
    audit,
    // A camera's health is a durable change like any other: logged, sequenced, pushed.
    reportStatus: (cameraId, status) =>
      queue.run(async () => {
        bus.publish(
          await store.commit(
            {
              cameraStatuses: [{ cameraId, status }],
              deltas: [{ type: 'camera', cameraId, status }],
            },
            clock(),
          ),
        );
      }),
  });
  await streams.start();
  // A session or wall token that ends takes its stream URLs with it, playing or not.
  const stopRevoking = auth.onAccessEnded(({ sessionHashes = [], deviceTokenHashes }) => {
    for (const holder of [...sessionHashes, ...deviceTokenHashes]) streams.revokeHolder(holder);
  });
  const intake = new IntakeEndpoint(auth, ingest, metrics);
  // Patrols and grid workers on duty: positions from phones, a tracking feed or the simulator,
  // pushed to the screens by the hub (made below, with the HTTP server).
  const positions = new FieldPositions(
    city.patrols,
    new Set(city.gridWorkers.map((w) => w.id)),
    {
      setPatrols: (p) => hub.setPatrols(p),
      setWorkers: (w) => hub.setWorkers(w),
    },
    clock,
  );
  const stats = new StatsService(
    store.statistics,
    city,
    scopes,
    config.stats,
    clock,
    config.utcOffsetMinutes,
  );
  // Video patrols (视频巡查): tour plans and the patrol log; changes nudge the screens (the hub
  // is made below, with the HTTP server).
  const videoPatrols = new VideoPatrols({
    databaseFile: databaseFile(config.dataDir),
    synchronous: config.store.synchronous,
    city,
    scopes,
    walls: () => auth.accounts.current.deviceTokens,
    audit,
    clock,
    utcOffsetMinutes: config.utcOffsetMinutes,
    changed: (what) => hub.videoPatrolsChanged(what),
  });
  const app = createApp({
    config,
    city,
    basemapDir,
    auth,
    store,
    board,
    intake,
    ingest,
    workflow,
    positions,
    attachments,
    metrics,
    clock,
    streams: streams.router,
    audit,
    webhooks,
    warnings,
    stats,
    scopes,
    videoPatrols,
  });
  const intakeFast = intakeFastPath(intake);
  // Stream GETs, nearly all video traffic, skip Express: about 3x the segment throughput. So do
  // report POSTs, for their rate.
  const secure = securityHeaders(config.mapStyleUrl);
  const express = withHttp2(app);
  const {
    server: http,
    scheme,
    closeAll,
  } = createWebServer(config.tls, (req, res) => {
    // The fast paths are timed here, as requestLog times Express's requests; they are not
    // logged request by request (segments come by the thousand a second), only their errors.
    const start = performance.now();
    secure(req, res, () => {
      if (streams.handle(req, res))
        metrics.timeResponse(req, res, '/streams/:cameraId/:file', start);
      else if (attachments.handle(req, res)) metrics.timeResponse(req, res, '/files/:id', start);
      else if (intakeFast(req, res)) metrics.timeResponse(req, res, req.url!, start);
      else express(req, res);
    });
  });
  const hub = new RealtimeHub(http, {
    auth,
    store,
    board,
    kpis,
    workflow,
    clock,
    metrics,
    audit,
    clientAddress: clientAddress(config.trustProxy),
    scopes,
    scopedKpis: (scope) =>
      new KpiTracker(
        board,
        day,
        streets.filter((id) => scopes.overlaps(scope, id)),
        {
          incident: (i) => inScope(scope, i),
          camera: (id) => scopes.cameraIn(scope, id),
        },
      ),
  });

  hub.setPatrols(positions.patrolPositions());
  bus.subscribe((deltas) => {
    board.apply(deltas);
    kpis.apply(deltas, clock());
    nearby.apply(deltas);
    overdue.onDeltas(deltas);
    warnings.onDeltas(deltas);
    hub.onDeltas(deltas);
    metrics.count('citybrain_events_total', 'deltas committed to the event log', deltas.length);
  });
  bus.subscribe(() => webhooks.onDeltas());
  overdue.start();
  warnings.start();
  // Yesterday's finished incidents leave the live picture once the day turns, so a server that
  // runs for weeks holds one day of history, not all of it.
  const dayTurn = setInterval(() => {
    const now = clock();
    board.prune(day.start(now));
    kpis.rebuild(now);
  }, 3_600_000);
  dayTurn.unref();

  await new Promise<void>((resolve) => http.listen(config.port, config.host, resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    http,
    hub,
    auth,
    ingest,
    workflow,
    warnings,
    originUrl: streams.origin?.url,
    positions,
    async close() {
      overdue.stop();
      warnings.stop();
      positions.stop();
      clearInterval(dayTurn);
      stopRevoking();
      auth.close();
      await hub.close();
      await streams.stop();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        closeAll();
      });
      await webhooks.close();
      videoPatrols.close();
      // After everything that records, before the store it writes to.
      await audit.close();
      await backups.stop();
      await store.close();
    },
  };
}
