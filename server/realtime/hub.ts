import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import {
  ActionRequestSchema,
  summarize,
  type ClientToServerEvents,
  type CommandResult,
  type Delta,
  type HandshakeAuth,
  type PatrolPosition,
  type ServerToClientEvents,
  type Snapshot,
  type WallPush,
  WALL_PUSH_ROLES,
  WallPushRequestSchema,
} from '../../shared/index.js';
import type { Auth, Principal } from '../auth/auth.js';
import { HttpError } from '../http-error.js';
import type { Board } from '../live/board.js';
import type { Clock } from '../live/clock.js';
import type { KpiTracker } from '../live/kpis.js';
import type { Metrics } from '../metrics.js';
import type { Store } from '../store/store.js';
import type { WorkflowService } from '../workflow/service.js';

/** Deltas are sent in small batches: one encode for every client instead of one per delta. */
const FLUSH_MS = 20;
/** Recent deltas kept in memory, so a reconnecting client catches up without the database. */
const RING_SIZE = 20_000;
/** A gap longer than this is cheaper to fill with a fresh snapshot. */
const MAX_CATCH_UP = 50_000;
const KPI_INTERVAL_MS = 1_000;
const LIVE = 'live';

interface SocketData {
  principal: Principal;
}
type IoServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
type IoSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

export interface HubDeps {
  auth: Auth;
  store: Store;
  board: Board;
  kpis: KpiTracker;
  workflow: WorkflowService;
  clock: Clock;
  metrics: Metrics;
}

/**
 * Real-time fan-out: a snapshot stamped with a sequence number on connect, then every delta in
 * order; a client that comes back with its last sequence number gets exactly what it missed.
 */
export class RealtimeHub {
  readonly io: IoServer;
  private pending: Delta[] = [];
  private ring: Delta[] = [];
  private flushed: number;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly kpiTimer: NodeJS.Timeout;
  private kpisDirty = true;
  private patrols: PatrolPosition[] = [];

  constructor(
    http: HttpServer,
    private readonly deps: HubDeps,
  ) {
    this.flushed = deps.store.lastSeq();
    this.io = new Server(http, { serveClient: false, pingInterval: 10_000, pingTimeout: 8_000 });
    this.io.use((socket, next) => {
      const { token } = (socket.handshake.auth ?? {}) as Partial<HandshakeAuth>;
      deps.auth
        .authenticate(typeof token === 'string' ? token : undefined)
        .then((principal) => {
          if (!principal) return next(new Error('unauthorized: log in again'));
          socket.data.principal = principal;
          next();
        })
        .catch(next);
    });
    this.io.on('connection', (socket) => {
      deps.metrics.gauge(
        'citybrain_socket_clients',
        'connected Socket.IO clients',
        this.io.engine.clientsCount,
      );
      socket.on('disconnect', () =>
        deps.metrics.gauge(
          'citybrain_socket_clients',
          'connected Socket.IO clients',
          this.io.engine.clientsCount,
        ),
      );
      socket.on('incident:act', (id, request, ack) => void this.act(socket, id, request, ack));
      socket.on('wall:push', (request, ack) => this.pushToWall(socket, request, ack));
      this.welcome(socket).catch((err: unknown) => {
        console.error('could not bring a client up to date', err);
        socket.disconnect(true);
      });
    });
    this.kpiTimer = setInterval(() => this.pushKpis(), KPI_INTERVAL_MS);
    this.kpiTimer.unref();
  }

  /** Called with every committed batch, in sequence order. */
  onDeltas(deltas: readonly Delta[]): void {
    this.pending.push(...deltas);
    this.kpisDirty = true;
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  setPatrols(patrols: PatrolPosition[]): void {
    this.patrols = patrols;
    this.io.to(LIVE).emit('patrols', patrols);
  }

  close(): Promise<void> {
    clearInterval(this.kpiTimer);
    clearTimeout(this.flushTimer);
    return this.io.close();
  }

  private flush(): void {
    this.flushTimer = undefined;
    const batch = this.pending;
    if (!batch.length) return;
    this.pending = [];
    this.io.to(LIVE).emit('deltas', batch);
    this.ring.push(...batch);
    if (this.ring.length > RING_SIZE * 1.5) this.ring = this.ring.slice(-RING_SIZE);
    this.flushed = batch.at(-1)!.seq;
    this.deps.metrics.count(
      'citybrain_deltas_sent_total',
      'deltas broadcast to clients',
      batch.length,
    );
  }

  private pushKpis(): void {
    if (!this.kpisDirty) return;
    this.kpisDirty = false;
    this.io.to(LIVE).emit('kpis', this.deps.kpis.current(this.deps.clock()));
  }

  private async welcome(socket: IoSocket): Promise<void> {
    const { lastSeq } = (socket.handshake.auth ?? {}) as Partial<HandshakeAuth>;
    const gap = typeof lastSeq === 'number' && lastSeq >= 0 ? await this.gapSince(lastSeq) : null;
    if (!socket.connected) return;
    if (gap) {
      if (gap.length) socket.emit('deltas', gap);
    } else {
      socket.emit('snapshot', this.snapshot());
    }
    // Joining after the catch-up, in the same tick, so the next flush continues exactly where it ended.
    void socket.join(LIVE);
  }

  /** The flushed deltas after `seq`, or null when a snapshot is the better answer. */
  private async gapSince(seq: number): Promise<Delta[] | null> {
    if (seq > this.flushed) return seq > this.deps.store.lastSeq() ? null : [];
    const ringStart = this.ring[0]?.seq ?? this.flushed + 1;
    if (seq + 1 >= ringStart) return this.ring.slice(seq + 1 - ringStart);
    const stored = await this.deps.store.deltasSince(seq, MAX_CATCH_UP + 1);
    if (!stored || stored.length > MAX_CATCH_UP) return null;
    // While the store answered, more may have been flushed: continue from the ring.
    const last = stored.at(-1)?.seq ?? seq;
    const upTo = stored.filter((d) => d.seq <= this.flushed);
    const start = this.ring[0]?.seq ?? this.flushed + 1;
    if (last < this.flushed && last + 1 < start) return null;
    return [...upTo, ...this.ring.filter((d) => d.seq > last && d.seq <= this.flushed)];
  }

  private snapshot(): Snapshot {
    const now = this.deps.clock();
    return {
      // The board already reflects every published delta, flushed or not.
      seq: Math.max(this.flushed, this.pending.at(-1)?.seq ?? 0),
      at: now.toISOString(),
      incidents: [...this.deps.board.incidents.values()],
      cameras: [...this.deps.board.cameras].map(([id, status]) => ({ id, status })),
      patrols: this.patrols,
      kpis: this.deps.kpis.current(now),
    };
  }

  /** Relays a desk's push to every wall; each wall keeps the pushes addressed to it. */
  private pushToWall(socket: IoSocket, request: unknown, ack: unknown): void {
    if (typeof ack !== 'function') return;
    const reply = ack as (r: CommandResult<WallPush>) => void;
    const { role, name } = socket.data.principal;
    if (!(WALL_PUSH_ROLES as readonly string[]).includes(role)) {
      return reply({ ok: false, status: 403, error: `role ${role} may not push to the wall` });
    }
    const parsed = WallPushRequestSchema.safeParse(request);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      return reply({ ok: false, status: 400, error: why });
    }
    const push: WallPush = { ...parsed.data, by: name, at: this.deps.clock().toISOString() };
    this.io.to(LIVE).emit('wall', push);
    this.deps.metrics.count('citybrain_wall_pushes_total', 'pushes to the wall', 1, {
      kind: push.command.kind,
    });
    reply({ ok: true, value: push });
  }

  private async act(
    socket: IoSocket,
    incidentId: unknown,
    request: unknown,
    ack: unknown,
  ): Promise<void> {
    if (typeof ack !== 'function') return;
    const reply = ack as (r: CommandResult<ReturnType<typeof summarize>>) => void;
    const parsed = ActionRequestSchema.safeParse(request);
    if (typeof incidentId !== 'string' || !parsed.success) {
      const why = parsed.success
        ? 'incidentId must be a string'
        : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      return reply({ ok: false, status: 400, error: why });
    }
    try {
      const { id, name, role } = socket.data.principal;
      const incident = await this.deps.workflow.act(incidentId, parsed.data, { id, name, role });
      reply({ ok: true, value: summarize(incident) });
    } catch (err) {
      if (err instanceof HttpError)
        return reply({ ok: false, status: err.status, error: err.message });
      console.error(err);
      reply({ ok: false, status: 500, error: 'internal error' });
    }
  }
}
