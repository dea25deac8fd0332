import type { IncomingMessage } from 'node:http';
import { Server, type Socket } from 'socket.io';
import {
  type ClientToServerEvents,
  type CommandResult,
  type Delta,
  type HandshakeAuth,
  LOOP_ROLES,
  packDeltas,
  type PackedDelta,
  type PackedSnapshot,
  packSnapshot,
  type PatrolPosition,
  type ServerToClientEvents,
  type WallPush,
  WALL_PUSH_ROLES,
  type WorkerPosition,
  WallPushRequestSchema,
  WIRE_VERSION,
  inScope,
  type Scope,
  type WallCommand,
  byUrgency,
  warningInScope,
} from '../../shared/index.js';
import type { ErrorInfo } from '../../shared/errors.js';
import type { AuditTrail } from '../audit/audit.js';
import type { EndedAccess } from '../auth/accounts.js';
import type { Auth, Principal } from '../auth/auth.js';
import { fieldProblems } from '../http-error.js';
import type { Board } from '../live/board.js';
import type { Clock } from '../live/clock.js';
import type { KpiTracker } from '../live/kpis.js';
import { moduleLog } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Store } from '../store/store.js';
import type { WorkflowService } from '../workflow/service.js';
import type { Scopes } from '../levels/scopes.js';
import type { WebServer } from '../http/web-server.js';
import { DeltaRing } from './delta-ring.js';
import { ScopedStream } from './scoped-stream.js';
import { SharedPayloads } from './shared-payloads.js';

/**
 * Deltas are sent in small batches: one encode for every client instead of one per delta, and
 * one write per socket per batch. Writes dominate at hundreds of sockets: at 500 sockets and
 * 1,000 reports/s, 50 ms instead of 20 ms took the server from 101 % to 81 % of a core
 * (bench:realtime); a screen cannot tell 50 ms apart.
 */
const FLUSH_MS = 50;
/** Recent deltas kept in memory, so a reconnecting client catches up without the database. */
const RING_SIZE = 20_000;
/**
 * A gap longer than this, or longer than the board (a snapshot's size in incidents), is cheaper
 * to fill with a fresh snapshot, which sockets share, than with deltas each socket holds alone.
 */
const MAX_CATCH_UP = 50_000;
/**
 * How long one snapshot serves the clients that connect, each then caught up from the ring: a
 * wall of screens reconnecting at once costs one snapshot, not one each.
 */
const SNAPSHOT_REUSE_MS = 1_000;
/**
 * Sockets are welcomed at most this often: every welcome encodes and frames afresh what it
 * sends, and a storm of reconnecting clients too slow to read it would hold a copy per welcome.
 */
const WELCOME_MS = 500;
/**
 * A socket with this much queued for it has fallen behind: its screen or its link cannot take
 * the stream (a few seconds of it at 1,000 changes a second, or a snapshot of a busy day that is
 * not gone in a flush). It leaves the live room until its queue has gone out, then catches up
 * like a reconnecting client, from the ring. Without this the server queued for it without
 * bound, its pings waited behind the queue, it was dropped and came back into a storm of
 * catch-ups (bench:realtime: 1,059 reconnects, 3.5 GB).
 */
const MAX_QUEUED_BYTES = 4 * 2 ** 20;
const MAX_QUEUED_PACKETS = 40;
const KPI_INTERVAL_MS = 1_000;
const LIVE = 'live';
const log = moduleLog('realtime');

interface SocketData {
  principal: Principal;
  /** The sub-centre's area the socket sees; undefined: the whole city. */
  scope: Scope | undefined;
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
  /** Where wall pushes are recorded. */
  audit?: AuditTrail;
  /** The client's address behind a trusted proxy, for the audit trail. */
  clientAddress?: (req: IncomingMessage) => string;
  /** Sub-centres' areas; without them every screen sees the whole city. */
  scopes?: Scopes;
  /** A sub-centre's own figures, counted over its area. */
  scopedKpis?: (scope: Scope) => KpiTracker;
}

/**
 * Whether a socket still has anything queued, and whether it has too much: what the WebSocket
 * has not yet handed to the kernel, and the packets engine.io holds behind the write in progress
 * (the only queue on long polling). Neither is in the public types.
 */
function backlog(socket: IoSocket): { empty: boolean; over: boolean } {
  const conn = socket.conn as unknown as {
    writeBuffer: readonly unknown[];
    transport: { writable: boolean; socket?: { bufferedAmount?: number } };
  };
  const bytes = conn.transport.socket?.bufferedAmount ?? 0;
  const packets = conn.writeBuffer.length;
  return {
    empty: !bytes && !packets && conn.transport.writable,
    over: bytes > MAX_QUEUED_BYTES || packets > MAX_QUEUED_PACKETS,
  };
}

/** A socket waiting for its first flush: where it stands, or undefined to start from a snapshot. */
interface Arrival {
  socket: IoSocket;
  lastSeq: number | undefined;
}

/**
 * Real-time fan-out: a snapshot stamped with a sequence number on connect, then every delta in
 * order; a client that comes back with its last sequence number gets exactly what it missed.
 * Sockets are brought up to date at a flush, together, so what they need is encoded and sent
 * once for all of them.
 */
export class RealtimeHub {
  readonly io: IoServer;
  private readonly shared = new SharedPayloads();
  private pending: Delta[] = [];
  private readonly ring = new DeltaRing(RING_SIZE);
  private flushed: number;
  private arrivals: Arrival[] = [];
  /** Sockets out of the live room until their queue drains, with the last seq they were sent. */
  private readonly lagging = new Map<IoSocket, number>();
  private reusable: PackedSnapshot | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  /** Catch-ups from the log run one at a time: a storm of them must not hold a copy each. */
  private catchUps = Promise.resolve();
  private lastWelcome = -Infinity;
  private welcomeTimer: NodeJS.Timeout | undefined;
  private readonly kpiTimer: NodeJS.Timeout;
  private kpisDirty = true;
  private patrols: PatrolPosition[] = [];
  private workers: WorkerPosition[] = [];
  private readonly stopEnding: () => void;
  /** Sub-centres' streams, by region, made when the first of their screens connects. */
  private readonly streams = new Map<string, ScopedStream>();

  constructor(
    http: WebServer,
    private readonly deps: HubDeps,
  ) {
    this.flushed = deps.store.lastSeq();
    this.io = new Server(http, {
      serveClient: false,
      pingInterval: 10_000,
      pingTimeout: 8_000,
      parser: this.shared.parser,
    });
    this.io.use((socket, next) => {
      const { token, wire } = (socket.handshake.auth ?? {}) as Partial<HandshakeAuth>;
      if (wire !== WIRE_VERSION)
        return next(
          new Error(
            `outdated: this screen reads wire ${wire ?? 1}, the server sends ${WIRE_VERSION}; reload it`,
          ),
        );
      deps.auth
        .authenticate(typeof token === 'string' ? token : undefined)
        .then((principal) => {
          if (!principal) return next(new Error('unauthorized: log in again'));
          // The live picture is the loop's: an auditor's account reads the trail only.
          if (!LOOP_ROLES.includes(principal.role))
            return next(new Error(`forbidden: role ${principal.role} has no live picture`));
          socket.data.principal = principal;
          socket.data.scope = deps.scopes?.of(principal);
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
      // Every command re-checks the access the socket was opened with: ended access loses its
      // socket within a second anyway, and a command in that second must not pass.
      const valid = (ack: unknown) => {
        if (deps.auth.stillValid(socket.data.principal)) return true;
        if (typeof ack === 'function')
          (ack as (r: CommandResult<never>) => void)({
            ok: false,
            status: 401,
            error: { code: 'session_ended', message: 'log in again' },
          });
        socket.disconnect(true);
        return false;
      };
      socket.on('wall:push', (request, ack) => {
        if (valid(ack)) this.pushToWall(socket, request, ack);
      });
      const { lastSeq } = (socket.handshake.auth ?? {}) as Partial<HandshakeAuth>;
      this.arrivals.push({
        socket,
        lastSeq: typeof lastSeq === 'number' && lastSeq >= 0 ? lastSeq : undefined,
      });
      this.scheduleFlush();
    });
    // A user disabled, removed or changed, or a wall token removed: their screens go at once.
    this.stopEnding = deps.auth.onAccessEnded((ended) => this.endSockets(ended));
    this.kpiTimer = setInterval(() => {
      this.pushKpis();
      // KPIs and patrols pile up for a screen that stopped reading even when no delta comes.
      this.checkBacklogs();
    }, KPI_INTERVAL_MS);
    this.kpiTimer.unref();
  }

  /** Called with every committed batch, in sequence order. */
  onDeltas(deltas: readonly Delta[]): void {
    this.pending.push(...deltas);
    this.kpisDirty = true;
    const now = this.deps.clock();
    for (const stream of this.streams.values()) stream.kpis.apply(deltas, now);
    this.scheduleFlush();
  }

  setPatrols(patrols: PatrolPosition[]): void {
    this.patrols = patrols;
    this.io.to(LIVE).emit('patrols', patrols);
    for (const stream of this.streams.values())
      this.io.to(stream.room).emit('patrols', this.patrolsIn(stream.scope));
  }

  /**
   * Tour plans or the patrol log changed: a nudge to every screen, which reads them again over
   * REST, where each sees its own area's.
   */
  videoPatrolsChanged(what: 'plans' | 'log'): void {
    this.io.emit('videoPatrols', { what, at: this.deps.clock().toISOString() });
  }

  setWorkers(workers: WorkerPosition[]): void {
    this.workers = workers;
    this.io.to(LIVE).emit('workers', workers);
    for (const stream of this.streams.values())
      this.io.to(stream.room).emit('workers', this.workersIn(stream.scope));
  }

  private patrolsIn(scope: Scope | undefined): PatrolPosition[] {
    const { scopes } = this.deps;
    return scope && scopes
      ? this.patrols.filter((p) => scopes.patrolIn(scope, p.id))
      : this.patrols;
  }

  private workersIn(scope: Scope | undefined): WorkerPosition[] {
    const { scopes } = this.deps;
    return scope && scopes
      ? this.workers.filter((w) => scopes.workerIn(scope, w.id))
      : this.workers;
  }

  /** The live room a socket belongs in: the city's, or its sub-centre's. */
  private roomOf(socket: IoSocket): string {
    const { scope } = socket.data;
    return scope ? this.streamOf(scope).room : LIVE;
  }

  private streamOf(scope: Scope): ScopedStream {
    let stream = this.streams.get(scope.regionId);
    if (!stream) {
      const { scopes, scopedKpis } = this.deps;
      if (!scopes || !scopedKpis) throw new Error('a scoped socket without scopes');
      const kpis = scopedKpis(scope);
      kpis.rebuild(this.deps.clock());
      stream = new ScopedStream(scope, kpis, scopes, this.flushed, RING_SIZE);
      this.streams.set(scope.regionId, stream);
    }
    return stream;
  }

  close(): Promise<void> {
    this.stopEnding();
    clearInterval(this.kpiTimer);
    clearTimeout(this.flushTimer);
    clearTimeout(this.welcomeTimer);
    return this.io.close();
  }

  private addressOf(socket: IoSocket): string {
    return this.deps.clientAddress?.(socket.request) ?? socket.handshake.address;
  }

  /** Disconnects the sockets of the sessions, users and wall tokens whose access ended. */
  private endSockets({ usernames, deviceTokenHashes, sessionHashes = [] }: EndedAccess): void {
    const users = new Set(usernames);
    const walls = new Set(deviceTokenHashes);
    const sessions = new Set(sessionHashes);
    let ended = 0;
    for (const socket of this.io.sockets.sockets.values()) {
      const { principal } = socket.data;
      if (!principal) continue;
      const gone = principal.deviceTokenHash
        ? walls.has(principal.deviceTokenHash)
        : principal.sessionHash !== undefined &&
          (sessions.has(principal.sessionHash) || users.has(principal.id));
      if (!gone) continue;
      socket.disconnect(true);
      ended++;
    }
    if (ended)
      this.deps.metrics.count(
        'citybrain_socket_access_ended_total',
        'sockets disconnected because their user or wall token lost access',
        ended,
      );
  }

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.pending;
    if (batch.length) {
      this.pending = [];
      const packed = this.shared.share(packDeltas(batch));
      this.io.to(LIVE).emit('deltas', packed);
      this.ring.push(packed);
      // Each sub-centre's screens get their area's part, cut once and sent once to them all.
      for (const stream of this.streams.values()) {
        const part = stream.cut(batch, packed);
        if (part) this.io.to(stream.room).emit('deltas', this.shared.share(part));
      }
      this.flushed = batch.at(-1)!.seq;
      this.deps.metrics.broadcast(this.flushed);
      this.deps.metrics.count(
        'citybrain_deltas_sent_total',
        'deltas broadcast to clients',
        batch.length,
      );
    }
    this.checkBacklogs();
    if (!this.arrivals.length) return;
    const wait = this.lastWelcome + WELCOME_MS - performance.now();
    if (wait <= 0) {
      this.lastWelcome = performance.now();
      this.welcome(this.arrivals.splice(0));
    } else {
      this.welcomeTimer ??= setTimeout(() => {
        this.welcomeTimer = undefined;
        this.flush();
      }, wait);
    }
  }

  /**
   * Right after a flush, so that each socket, once caught up to `flushed`, joins the live room
   * in time for the next one: snapshots first, then the ring, both shared between sockets.
   */
  private welcome(all: Arrival[]): void {
    const arrivals: Arrival[] = [];
    const scoped = new Map<ScopedStream, Arrival[]>();
    for (const arrival of all) {
      const { scope } = arrival.socket.data;
      if (!scope) arrivals.push(arrival);
      else {
        const stream = this.streamOf(scope);
        scoped.set(stream, [...(scoped.get(stream) ?? []), arrival]);
      }
    }
    for (const [stream, group] of scoped) this.welcomeScoped(stream, group);
    if (!arrivals.length) return;
    const ringStart = this.ring.start(this.flushed + 1);
    const fresh: IoSocket[] = [];
    const resuming: { socket: IoSocket; lastSeq: number }[] = [];
    for (const { socket, lastSeq } of arrivals) {
      if (!socket.connected) continue;
      // A client ahead of the log (a store restored from backup) can only start over.
      if (lastSeq === undefined || lastSeq > this.deps.store.lastSeq()) fresh.push(socket);
      else if (lastSeq + 1 >= ringStart) resuming.push({ socket, lastSeq });
      else this.catchUps = this.catchUps.then(() => this.catchUpFromStore(socket, lastSeq));
    }
    if (fresh.length) {
      const snapshot = this.snapshot(ringStart);
      this.io.to(fresh.map((s) => s.id)).emit('snapshot', snapshot);
      for (const socket of fresh) resuming.push({ socket, lastSeq: snapshot.seq });
    }
    const recipients = new Map<PackedDelta[], string[]>();
    for (const { socket, lastSeq } of resuming) {
      const { cut, whole } = this.ring.from(lastSeq + 1);
      if (cut) socket.emit('deltas', cut);
      for (const batch of whole) {
        const ids = recipients.get(batch);
        if (ids) ids.push(socket.id);
        else recipients.set(batch, [socket.id]);
      }
    }
    const batches = [...recipients].sort(([a], [b]) => a[0]![0] - b[0]![0]);
    for (const [batch, ids] of batches) this.io.to(ids).emit('deltas', batch);
    for (const { socket } of resuming) void socket.join(LIVE);
    // Those coming back missed the figures while away; the next push is within a second.
    if (resuming.length) this.kpisDirty = true;
  }

  /** As `welcome`, for a sub-centre's screens: its own snapshot, its own ring, its own room. */
  private welcomeScoped(stream: ScopedStream, arrivals: Arrival[]): void {
    const ringStart = stream.ring.start(stream.lastCovered + 1);
    const fresh: IoSocket[] = [];
    const resuming: { socket: IoSocket; lastSeq: number }[] = [];
    for (const { socket, lastSeq } of arrivals) {
      if (!socket.connected) continue;
      if (lastSeq === undefined || lastSeq > this.deps.store.lastSeq()) fresh.push(socket);
      else if (lastSeq >= this.flushed || lastSeq + 1 >= ringStart)
        resuming.push({ socket, lastSeq });
      else this.catchUps = this.catchUps.then(() => this.catchUpFromStore(socket, lastSeq));
    }
    if (fresh.length) {
      const snapshot = this.scopedSnapshot(stream);
      this.io.to(fresh.map((s) => s.id)).emit('snapshot', snapshot);
    }
    const recipients = new Map<PackedDelta[], string[]>();
    for (const { socket, lastSeq } of resuming)
      for (const batch of stream.ring.from(lastSeq + 1)) {
        const ids = recipients.get(batch);
        if (ids) ids.push(socket.id);
        else recipients.set(batch, [socket.id]);
      }
    const batches = [...recipients].sort(([a], [b]) => a[0]![0] - b[0]![0]);
    for (const [batch, ids] of batches) this.io.to(ids).emit('deltas', batch);
    for (const socket of [...fresh, ...resuming.map((r) => r.socket)])
      void socket.join(stream.room);
    if (fresh.length || resuming.length) this.kpisDirty = true;
  }

  /**
   * Takes the sockets that fell behind out of the live room, and brings back as arrivals those
   * whose queue has gone out. A socket in the live room has been sent every delta up to
   * `flushed` (later ones wait in `pending` for the next flush), so that is where it resumes.
   */
  private checkBacklogs(): void {
    let back = 0;
    for (const [socket, lastSeq] of this.lagging) {
      if (!socket.connected) this.lagging.delete(socket);
      else if (backlog(socket).empty) {
        this.lagging.delete(socket);
        this.arrivals.push({ socket, lastSeq });
        back++;
      }
    }
    let fell = 0;
    for (const room of [LIVE, ...[...this.streams.values()].map((s) => s.room)])
      for (const id of this.io.sockets.adapter.rooms.get(room) ?? []) {
        const socket = this.io.sockets.sockets.get(id);
        if (!socket || !backlog(socket).over) continue;
        void socket.leave(room);
        this.lagging.set(socket, this.flushed);
        fell++;
      }
    if (fell)
      this.deps.metrics.count(
        'citybrain_socket_lagging_total',
        'times a socket fell behind the live stream and was held back until it drained',
        fell,
      );
    this.deps.metrics.gauge(
      'citybrain_socket_lagging',
      'sockets held back from the live stream until they drain',
      this.lagging.size,
    );
    // Those back are welcomed at a flush; those still held back are looked at again at each.
    if (back || this.lagging.size) this.scheduleFlush();
  }

  /** A gap older than the ring: from the log, then the rest from the ring at the next flush. */
  private async catchUpFromStore(socket: IoSocket, lastSeq: number): Promise<void> {
    try {
      if (!socket.connected) return;
      const limit = Math.min(MAX_CATCH_UP, this.deps.board.incidents.size);
      const stored = await this.deps.store.deltasSince(lastSeq, limit + 1);
      if (!socket.connected) return;
      if (!stored || stored.length > limit) {
        this.arrivals.push({ socket, lastSeq: undefined });
      } else {
        const { scope } = socket.data;
        if (stored.length && scope)
          socket.emit(
            'deltas',
            this.streamOf(scope).catchUp(stored, packDeltas(stored), lastSeq + 1),
          );
        else if (stored.length) socket.emit('deltas', packDeltas(stored));
        this.arrivals.push({ socket, lastSeq: stored.at(-1)?.seq ?? lastSeq });
      }
      this.scheduleFlush();
    } catch (err) {
      log.error({ err }, 'could not bring a client up to date');
      socket.disconnect(true);
    }
  }

  private pushKpis(): void {
    if (!this.kpisDirty) return;
    this.kpisDirty = false;
    const now = this.deps.clock();
    this.io.to(LIVE).emit('kpis', this.deps.kpis.current(now));
    for (const stream of this.streams.values())
      this.io.to(stream.room).emit('kpis', stream.kpis.current(now));
  }

  /** The board at `flushed`, or a snapshot of the last second the ring still continues. */
  private snapshot(ringStart: number): PackedSnapshot {
    const reusable = this.reusable;
    if (reusable && reusable.seq + 1 >= ringStart) return reusable;
    const now = this.deps.clock();
    const snapshot = this.shared.share(
      packSnapshot({
        seq: this.flushed,
        at: now.toISOString(),
        incidents: [...this.deps.board.incidents.values()],
        cameras: [...this.deps.board.cameras].map(([id, status]) => ({ id, status })),
        warnings: [...this.deps.board.warnings.values()].sort(byUrgency),
        patrols: this.patrols,
        workers: this.workers,
        kpis: this.deps.kpis.current(now),
      }),
    );
    this.reusable = snapshot;
    setTimeout(() => {
      if (this.reusable === snapshot) this.reusable = undefined;
    }, SNAPSHOT_REUSE_MS).unref();
    return snapshot;
  }

  /**
   * Why a sub-centre may not make this push: a wall outside its area (the city's, another
   * street's), or something to show that lies outside it.
   */
  private wallRefusal(scope: Scope, push: WallPush): ErrorInfo | undefined {
    const scopes = this.deps.scopes!;
    if (push.target !== 'all') {
      const wall = this.deps.auth.accounts.current.deviceTokens.find((d) => d.name === push.target);
      if (!wall?.regionId || !scopes.regionIn(scope, wall.regionId))
        return {
          code: 'wall_outside_area',
          message: `wall ${push.target} is not one of ${scope.regionId}'s walls`,
        };
    }
    if (!this.commandIn(scope, push.command))
      return {
        code: 'outside_your_area',
        message: `what you pushed lies outside ${scope.regionId}`,
      };
    return undefined;
  }

  private commandIn(scope: Scope, command: WallCommand): boolean {
    const scopes = this.deps.scopes!;
    switch (command.kind) {
      case 'incident': {
        const incident = this.deps.board.incidents.get(command.incidentId);
        return !incident || inScope(scope, incident);
      }
      case 'region':
        return scopes.regionIn(scope, command.regionId);
      case 'cameras':
        return command.cameraIds.every((id) => scopes.cameraIn(scope, id));
      case 'replay':
        return command.area === undefined || scopes.regionIn(scope, command.area);
      case 'layout':
      case 'live':
        return true;
    }
  }

  /** A sub-centre's picture at `flushed`: its area's incidents, cameras, patrols and figures. */
  private scopedSnapshot(stream: ScopedStream): PackedSnapshot {
    if (stream.reusable && stream.reusable.seq === this.flushed) return stream.reusable;
    const { scope } = stream;
    const scopes = this.deps.scopes!;
    const now = this.deps.clock();
    const snapshot = this.shared.share(
      packSnapshot({
        seq: this.flushed,
        at: now.toISOString(),
        incidents: [...this.deps.board.incidents.values()].filter((i) => inScope(scope, i)),
        cameras: [...this.deps.board.cameras]
          .filter(([id]) => scopes.cameraIn(scope, id))
          .map(([id, status]) => ({ id, status })),
        warnings: [...this.deps.board.warnings.values()]
          .filter((w) => warningInScope(scope, w))
          .sort(byUrgency),
        patrols: this.patrolsIn(scope),
        workers: this.workersIn(scope),
        kpis: stream.kpis.current(now),
      }),
    );
    stream.reusable = snapshot;
    return snapshot;
  }

  /** Relays a desk's push to every wall; each wall keeps the pushes addressed to it. */
  private pushToWall(socket: IoSocket, request: unknown, ack: unknown): void {
    if (typeof ack !== 'function') return;
    const reply = ack as (r: CommandResult<WallPush>) => void;
    const { role, name } = socket.data.principal;
    if (!(WALL_PUSH_ROLES as readonly string[]).includes(role)) {
      return reply({
        ok: false,
        status: 403,
        error: { code: 'role_forbidden', message: `role ${role} may not push to the wall` },
      });
    }
    const parsed = WallPushRequestSchema.safeParse(request);
    if (!parsed.success) {
      const fields = fieldProblems(parsed.error);
      const why = fields.map((f) => `${f.path}: ${f.message}`).join('; ');
      return reply({
        ok: false,
        status: 400,
        error: { code: 'invalid_fields', message: why, fields },
      });
    }
    const push: WallPush = { ...parsed.data, by: name, at: this.deps.clock().toISOString() };
    const { scope } = socket.data;
    const refusal = scope && this.wallRefusal(scope, push);
    if (refusal) return reply({ ok: false, status: 403, error: refusal });
    // To every socket, not only the live room: a push is momentary, and a wall that lags behind
    // the stream or is catching up must still obey it. Walls keep the pushes addressed to them.
    // A sub-centre's push goes to its own area's walls and screens only: the city's wall, or
    // another street's, never hears it.
    if (!scope) this.io.emit('wall', push);
    else
      for (const other of this.io.sockets.sockets.values()) {
        const theirs = other.data.scope;
        if (theirs && this.deps.scopes!.regionIn(scope, theirs.regionId)) other.emit('wall', push);
      }
    const { principal } = socket.data;
    this.deps.audit?.record({
      action: 'wall.push',
      actor: principal.id,
      actorRole: principal.role,
      address: this.addressOf(socket),
      target: push.target,
      ...(push.command.kind === 'incident' ? { incidentId: push.command.incidentId } : {}),
      detail: push.command,
    });
    this.deps.metrics.count('citybrain_wall_pushes_total', 'pushes to the wall', 1, {
      kind: push.command.kind,
    });
    reply({ ok: true, value: push });
  }
}
