import { EventEmitter } from 'node:events';

/**
 * A Socket.IO packet codec for the benchmark's clients, wire-compatible with the default
 * `socket.io-parser` for the text packets this server sends (no binary attachments).
 *
 * Why: 500 simulated dashboards on one 2-core machine cannot each `JSON.parse` every delta batch
 * (the whole fan-out, ~500x the server's outgoing bytes) without the load generator becoming the
 * bottleneck. So `deltas` events are handed over undecoded, as a `RawDeltas` string the client
 * scans for what it checks (each delta's `seq` and the benchmark's send-time marker); every other
 * packet (connect, snapshot, kpis, errors) is decoded in full. The bytes still travel the real
 * Socket.IO/engine.io/WebSocket stack and are still turned into a string per client.
 */
export class RawDeltas {
  constructor(readonly json: string) {}
}

const EVENT = 2;
const DELTAS_PREFIX = '["deltas",';

interface Packet {
  type: number;
  nsp: string;
  id?: number;
  data?: unknown;
}

class Encoder {
  encode(packet: Packet): string[] {
    let out = String(packet.type);
    if (packet.nsp && packet.nsp !== '/') out += `${packet.nsp},`;
    if (packet.id !== undefined) out += String(packet.id);
    if (packet.data !== undefined) out += JSON.stringify(packet.data);
    return [out];
  }
}

class Decoder extends EventEmitter {
  add(obj: unknown): void {
    if (typeof obj !== 'string') throw new Error('binary packets are not expected here');
    const packet: Packet = { type: Number(obj.charAt(0)), nsp: '/' };
    let i = 1;
    if (obj.charAt(i) === '/') {
      const comma = obj.indexOf(',', i);
      const end = comma === -1 ? obj.length : comma;
      packet.nsp = obj.slice(i, end);
      i = end + 1;
    }
    let j = i;
    while (j < obj.length && obj.charCodeAt(j) >= 48 && obj.charCodeAt(j) <= 57) j++;
    if (j > i) packet.id = Number(obj.slice(i, j));
    if (j < obj.length) {
      packet.data =
        packet.type === EVENT && obj.startsWith(DELTAS_PREFIX, j)
          ? ['deltas', new RawDeltas(obj.slice(j + DELTAS_PREFIX.length, -1))]
          : JSON.parse(obj.slice(j));
    }
    this.emit('decoded', packet);
  }

  destroy(): void {
    this.removeAllListeners();
  }
}

export const scanParser = { Encoder, Decoder };

/**
 * Walks a raw packed `deltas` array (shared/realtime/wire.ts): every delta's `seq`, and for the
 * batch's first delta also the incident's version and the benchmark marker in its title. Each
 * packed delta opens with `[seq,"at",kind,` (`at` an ISO time, always 24 characters), which
 * nothing inside an incident does: its tuples open with a string, its location with a fraction.
 *
 * Why only the first delta is timed: this runs for every delta at every client, and on 2 cores
 * the load generator's scanning, not the server, set the latency. One pattern for the `seq`s
 * lets each client still check every delta for loss and order. The first delta of a batch waited
 * the whole flush window, the longest of its batch, so the sampled latency errs high, never low;
 * the full-parse clients still time every delta.
 */
const FIRST = /^\[\[(\d+),"[^"]{24}",(?:0,\["[^"]*",(\d+),"((?:[^"\\]|\\.)*)"|1,)/;
const SEQ = /\[(\d+),"[^"]{24}",[01],/g;

export interface Marker {
  measured: boolean;
  sentAt: number;
}

export function scanDeltas(
  json: string,
  onDelta: (seq: number, marker: Marker | undefined, version: number | undefined) => void,
): void {
  const first = FIRST.exec(json);
  if (!first) return;
  onDelta(
    Number(first[1]),
    first[3] === undefined ? undefined : markerOf(first[3]),
    first[2] === undefined ? undefined : Number(first[2]),
  );
  SEQ.lastIndex = first[0].length;
  for (let s = SEQ.exec(json); s; s = SEQ.exec(json)) onDelta(Number(s[1]), undefined, undefined);
}

/** `#B<m|w><n>@<sentAt>#` at `i`, or undefined. */
function parseMarker(s: string, i: number): Marker | undefined {
  const kind = s.charAt(i + 2);
  if (kind !== 'm' && kind !== 'w') return undefined;
  const at = s.indexOf('@', i + 3);
  const end = s.indexOf('#', at + 1);
  if (at === -1 || end === -1 || end - at > 24) return undefined;
  const sentAt = Number(s.slice(at + 1, end));
  return Number.isFinite(sentAt) ? { measured: kind === 'm', sentAt } : undefined;
}

/** The marker a benchmark report carries at the end of its title. */
export function markerOf(title: string): Marker | undefined {
  const i = title.lastIndexOf('#B');
  return i === -1 ? undefined : parseMarker(title, i);
}

export function marker(measured: boolean, n: number, sentAt: number): string {
  return `#B${measured ? 'm' : 'w'}${n}@${sentAt.toFixed(3)}#`;
}
