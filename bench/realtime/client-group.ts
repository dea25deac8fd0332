/**
 * A group of benchmark clients in one process, each checking that its delta sequence is
 * contiguous and timing measured incidents from their POST: every n-th one is the stock
 * socket.io-client, decoding every delta and timing each; the others speak the protocol directly
 * (./protocol-client.ts) and scan the frames (./scan-parser.ts), timing the first of each batch.
 * A sub-centre's screen (`scoped`) is a scanning client logged in as a user with a region: its
 * batches open with a cover mark, so holes within the cover are not losses; it reads and times
 * every delta, and notes each bench report it got, to be checked against its area's list.
 * Started by bench/realtime.ts with `fork`; talks to it over IPC (./protocol.ts).
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import {
  unpackDeltas,
  WIRE_VERSION,
  type PackedDelta,
  type PackedSnapshot,
} from '../../shared/index.js';
import { Histogram } from './histogram.js';
import { ProtocolClient } from './protocol-client.js';
import type {
  ClientGroupResult,
  FromClients,
  ScopedResult,
  ScopedSpec,
  ToClients,
} from './protocol.js';
import { markerOf, scanDeltas, type Marker } from './scan-parser.js';

const CONNECT_BATCH = 50;
const CONNECT_TIMEOUT_MS = 60_000;

const now = () => performance.timeOrigin + performance.now();
const send = (m: FromClients) => process.send!(m);

const latencyScan = new Histogram();
const latencyFull = new Histogram();
const latencyScoped = new Histogram();
const perSecond: Record<string, [number, number, number]> = {};
const LOOP_RESOLUTION_MS = 10;
/** Wire size of the deltas the group's first client received (UTF-8 bytes of the JSON array). */
const wire = { bytes: 0, deltas: 0 };
const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
const DELTAS_FRAME_OVERHEAD = '42["deltas",]'.length;

class BenchClient {
  startSeq: number | undefined;
  lastSeq: number | undefined;
  received = 0;
  lost = 0;
  outOfOrder = 0;
  reconnects = 0;
  disconnects = 0;
  error: string | undefined;
  /** A sub-centre screen: the end of the current batch's cover, while reading it. */
  private coverTo: number | undefined;
  /** A sub-centre screen: the bench reports (plan numbers) it got, and those outside its area. */
  readonly got = new Set<number>();
  readonly outside = new Set<number>();
  repeats = 0;
  unmarked = 0;
  private readonly expected: Set<number> | undefined;
  private readonly latency: Histogram;
  private readonly socket: Socket | ProtocolClient;

  constructor(
    url: string,
    token: string,
    readonly full: boolean,
    measureWire: boolean,
    readonly scoped?: ScopedSpec,
  ) {
    this.expected = scoped && new Set(scoped.expected);
    this.latency = scoped ? latencyScoped : full ? latencyFull : latencyScan;
    // Like the real web client: resume from the last applied seq after a reconnect.
    const auth = () => ({
      token,
      wire: WIRE_VERSION,
      ...(this.lastSeq === undefined ? {} : { lastSeq: this.lastSeq }),
    });
    if (!full) {
      this.socket = new ProtocolClient(url, {
        auth,
        snapshot: (seq) => this.snapshot(seq),
        deltas: (frame) => {
          const at = now();
          if (measureWire) wire.bytes += frame.length - DELTAS_FRAME_OVERHEAD;
          scanDeltas(
            frame,
            (seq, marker, version) => {
              if (measureWire) wire.deltas += 1;
              this.take(seq, marker, version, at);
            },
            scoped ? { every: true, onCover: (from, to) => this.cover(from, to) } : {},
          );
          this.endCover();
        },
        connectError: (message) => (this.error = message),
        disconnect: () => (this.disconnects += 1),
        reconnect: () => (this.reconnects += 1),
      });
      return;
    }
    const socket = io(url, {
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 200,
      reconnectionDelayMax: 2_000,
      timeout: CONNECT_TIMEOUT_MS,
      auth: (cb) => cb(auth()),
    });
    this.socket = socket;
    socket.on('snapshot', (s: PackedSnapshot) => this.snapshot(s.seq));
    socket.on('deltas', (batch: PackedDelta[]) => {
      const at = now();
      if (measureWire) {
        wire.bytes += Buffer.byteLength(JSON.stringify(batch));
        wire.deltas += batch.length;
      }
      for (const d of unpackDeltas(batch)) {
        const incident = d.type === 'incident' ? d.incident : undefined;
        this.take(d.seq, incident ? markerOf(incident.title) : undefined, incident?.version, at);
      }
    });
    socket.on('connect_error', (err) => (this.error = err.message));
    socket.on('disconnect', () => (this.disconnects += 1));
    socket.io.on('reconnect', () => (this.reconnects += 1));
  }

  close(): void {
    this.socket.close();
  }

  private snapshot(seq: number) {
    if (this.startSeq === undefined) this.startSeq = seq;
    else if (this.lastSeq !== undefined && seq > this.lastSeq) this.lost += seq - this.lastSeq;
    this.lastSeq = seq;
  }

  /**
   * A sub-centre batch's cover mark: seqs from..to not in the batch lie outside the area. A
   * cover that starts past the next seq is a loss, as a gap is for a city-wide screen.
   */
  private cover(from: number, to: number) {
    if (this.lastSeq === undefined) this.lastSeq = this.startSeq = from - 1;
    if (from > this.lastSeq + 1) this.lost += from - this.lastSeq - 1;
    this.coverTo = to;
  }

  /** After a batch: its cover is read to its end, whether or not its last seqs came. */
  private endCover() {
    if (this.coverTo !== undefined && this.lastSeq !== undefined && this.coverTo > this.lastSeq)
      this.lastSeq = this.coverTo;
    this.coverTo = undefined;
  }

  private take(seq: number, marker: Marker | undefined, version: number | undefined, at: number) {
    if (this.lastSeq === undefined) this.lastSeq = this.startSeq = seq - 1;
    if (seq <= this.lastSeq) {
      // A batch resent whole to a sub-centre screen catching up holds what it already has.
      if (this.coverTo !== undefined) this.repeats += 1;
      else this.outOfOrder += 1;
      return;
    }
    // Within a cover, a hole is another area's deltas.
    if (seq > this.lastSeq + 1 && (this.coverTo === undefined || seq > this.coverTo))
      this.lost += seq - this.lastSeq - 1;
    this.lastSeq = seq;
    this.received += 1;
    if (this.expected) {
      if (!marker) this.unmarked += 1;
      else if (this.expected.has(marker.n)) this.got.add(marker.n);
      else this.outside.add(marker.n);
    }
    // Only an incident's creation (its first version) carries its own report's send time (an
    // attach keeps the title of the report that opened it).
    if (marker?.measured && version === 1) {
      const ms = at - marker.sentAt;
      this.latency.record(ms);
      const key = String(Math.floor(at / 1000));
      const s = (perSecond[key] ??= [0, 0, 0]);
      s[0] += 1;
      s[1] += ms;
      if (ms > s[2]) s[2] = ms;
    }
  }
}

let clients: BenchClient[] = [];

/** The sub-centre screens' reports against their areas' lists, and their sequence checks. */
function scopedResult(): ScopedResult {
  const out: ScopedResult = {
    clients: 0,
    expected: 0,
    received: 0,
    outside: 0,
    missed: 0,
    repeats: 0,
    unmarked: 0,
    examples: [],
  };
  for (const c of clients) {
    if (!c.scoped) continue;
    out.clients += 1;
    out.expected += c.scoped.expected.length;
    out.received += c.got.size;
    out.outside += c.outside.size;
    out.repeats += c.repeats;
    out.unmarked += c.unmarked;
    for (const n of c.outside)
      if (out.examples.length < 10) out.examples.push(`${c.scoped.regionId}: got report ${n}`);
    for (const n of c.scoped.expected) {
      if (c.got.has(n)) continue;
      out.missed += 1;
      if (out.examples.length < 10) out.examples.push(`${c.scoped.regionId}: missed report ${n}`);
    }
  }
  return out;
}

async function start(m: Extract<ToClients, { type: 'start' }>): Promise<void> {
  const errors: string[] = [];
  for (let i = 0; i < m.clients; i += CONNECT_BATCH) {
    const batch: BenchClient[] = [];
    for (let k = i; k < Math.min(m.clients, i + CONNECT_BATCH); k++) {
      const scoped = m.scoped?.[k];
      // Sub-centre screens scan; `fullEvery` counts over the city-wide ones.
      const cityIndex = m.firstIndex + k - (m.scoped?.length ?? 0);
      const full = !scoped && m.fullEvery > 0 && cityIndex % m.fullEvery === 0;
      batch.push(
        new BenchClient(
          m.url,
          scoped?.token ?? m.token,
          full,
          k === (m.scoped?.length ?? 0),
          scoped,
        ),
      );
    }
    clients.push(...batch);
    const until = Date.now() + CONNECT_TIMEOUT_MS;
    while (batch.some((c) => c.startSeq === undefined && !c.error) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  for (const c of clients) if (c.startSeq === undefined && c.error) errors.push(c.error);
  send({
    type: 'ready',
    connected: clients.filter((c) => c.startSeq !== undefined).length,
    errors: [...new Set(errors)],
  });
}

async function finish(m: Extract<ToClients, { type: 'finish' }>): Promise<void> {
  loopDelay.disable();
  // A report whose POST failed opened no incident: no screen is owed it.
  if (m.notCreated.length) {
    const gone = new Set(m.notCreated);
    for (const c of clients)
      if (c.scoped) c.scoped.expected = c.scoped.expected.filter((n) => !gone.has(n));
  }
  const until = Date.now() + m.timeoutMs;
  // A sub-centre screen's last cover reaches only its area's last delta: it is done when it has
  // every report of its area (or the wait runs out).
  const behind = () =>
    clients.some((c) =>
      c.scoped ? c.got.size < c.scoped.expected.length : (c.lastSeq ?? -1) < m.finalSeq,
    );
  while (behind() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  const result: ClientGroupResult = {
    clients: clients.length,
    connected: clients.filter((c) => c.startSeq !== undefined).length,
    fullConnected: clients.filter((c) => c.full && c.startSeq !== undefined).length,
    connectErrors: [
      ...new Set(clients.flatMap((c) => (c.startSeq === undefined && c.error ? [c.error] : []))),
    ],
    expected: 0,
    received: 0,
    lost: 0,
    outOfOrder: 0,
    missingAtEnd: 0,
    reconnects: 0,
    disconnects: 0,
    latencyScan: latencyScan.toData(),
    latencyFull: latencyFull.toData(),
    latencyScoped: latencyScoped.toData(),
    scoped: scopedResult(),
    perSecond,
    // The histogram holds whole timer intervals: the delay is what exceeds the resolution.
    loopDelayP99: Math.max(0, loopDelay.percentile(99) / 1e6 - LOOP_RESOLUTION_MS),
    wireBytes: wire.bytes,
    wireDeltas: wire.deltas,
    loopDelayMax: Math.max(0, loopDelay.max / 1e6 - LOOP_RESOLUTION_MS),
  };
  for (const c of clients) {
    if (c.startSeq === undefined) continue;
    // A sub-centre screen expects its area's bench reports, and misses those that never came.
    if (c.scoped) {
      result.expected += c.scoped.expected.length;
      result.missingAtEnd += c.scoped.expected.length - c.got.size;
    } else {
      result.expected += m.finalSeq - c.startSeq;
      result.missingAtEnd += Math.max(0, m.finalSeq - (c.lastSeq ?? c.startSeq));
    }
    result.received += c.received;
    result.lost += c.lost;
    result.outOfOrder += c.outOfOrder;
    result.reconnects += c.reconnects;
    result.disconnects += c.disconnects;
  }
  for (const c of clients) c.close();
  clients = [];
  send({ type: 'result', result });
}

process.on('message', (m: ToClients) => {
  const run =
    m.type === 'start'
      ? start(m)
      : m.type === 'finish'
        ? finish(m)
        : Promise.resolve(loopDelay.enable());
  run.catch((err: unknown) => send({ type: 'error', message: String(err) }));
});
process.on('disconnect', () => process.exit(0));
