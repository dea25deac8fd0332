/**
 * How the benchmark's scanning clients (./protocol-client.ts) read a `deltas` frame without
 * decoding it: 500 simulated dashboards on one 2-core machine cannot each `JSON.parse` every frame
 * (the whole fan-out, ~500x the server's outgoing bytes) without the load generator becoming the
 * bottleneck. The frame's bytes are taken one character each (latin1: a copy, no UTF-8 decoding;
 * the scan reads only ASCII) and searched with the string search built into V8: Buffer.indexOf
 * crosses into C++ on every call and cost several times as much.
 */

/**
 * Walks a raw packed `deltas` array (shared/realtime/wire.ts): every delta's `seq`, and for the
 * batch's first delta (every delta with `every`) also the incident's version and the benchmark
 * marker in its title; a sub-centre's cover mark `[from, at, 2, to]` (wire.ts packCover) goes to
 * `onCover` instead, and is not a delta: the first delta after it is the one timed.
 *
 * Each packed delta opens with `[seq,"at",kind,`, `at` an ISO time (24 characters, ending in
 * `Z`). The scan jumps from one `Z",` to the next (a literal search, the cheapest there is: a
 * pattern costs several times more, and this runs over every byte every client receives) and
 * keeps those preceded by `[digits,"`: the other times in a delta follow a string, a `]` or
 * `null`, and a quote inside a string is escaped, so none of them passes.
 *
 * Why only the first delta is timed: on 2 cores the load generator's scanning, not the server,
 * set the latency. Each client still checks every delta for loss and order. The first delta of a
 * batch waited the whole flush window, the longest of its batch, so the sampled latency errs
 * high, never low; the full-parse clients still time every delta. A sub-centre's screen gets a
 * small part of the stream, so it reads (`every`) and times each of its deltas.
 */
export function scanDeltas(
  frame: Buffer,
  onDelta: (seq: number, marker: Marker | undefined, version: number | undefined) => void,
  { every = false, onCover }: ScanOptions = {},
): void {
  const json = frame.toString('latin1');
  let first = true;
  for (let z = json.indexOf('Z",'); z !== -1; z = json.indexOf('Z",', z + 3)) {
    const seq = seqBefore(json, z - 24);
    if (seq === undefined) continue;
    // A cover mark: `,2,<to>]`, the kind 2 no delta has.
    if (json.charCodeAt(z + 3) === 50 && json.charCodeAt(z + 4) === 44) {
      const end = json.indexOf(']', z + 5);
      onCover?.(seq, Number(json.slice(z + 5, end)));
      continue;
    }
    if (!first && !every) {
      onDelta(seq, undefined, undefined);
      continue;
    }
    first = false;
    // An incident: `,0,["<id>",<version>,"<title>"`; bench titles hold no quotes.
    if (!json.startsWith('0,["', z + 3)) {
      onDelta(seq, undefined, undefined);
      continue;
    }
    const idEnd = json.indexOf('"', z + 7);
    const versionEnd = json.indexOf(',', idEnd + 2);
    const titleEnd = json.indexOf('"', versionEnd + 2);
    onDelta(
      seq,
      markerOf(json.slice(versionEnd + 2, titleEnd)),
      Number(json.slice(idEnd + 2, versionEnd)),
    );
  }
}

export interface ScanOptions {
  /** Reads the version and marker of every delta, not only the batch's first. */
  every?: boolean;
  /** A batch's cover mark: the seqs from..to not in the batch lie outside the screen's area. */
  onCover?: (from: number, to: number) => void;
}

/** The number in `[<digits>,"` right before the quote at `quote`, or undefined. */
function seqBefore(s: string, quote: number): number | undefined {
  if (s.charCodeAt(quote) !== 34 || s.charCodeAt(quote - 1) !== 44) return undefined;
  let i = quote - 2;
  let n = 0;
  for (let unit = 1; i >= 0; i--, unit *= 10) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    n += (c - 48) * unit;
  }
  return i < quote - 2 && s.charCodeAt(i) === 91 ? n : undefined;
}

export interface Marker {
  measured: boolean;
  /** The report's number in the run's plan (warm-up and measured reports share the numbering). */
  n: number;
  sentAt: number;
}

/** `#B<m|w><n>@<sentAt>#` at `i`, or undefined. */
function parseMarker(s: string, i: number): Marker | undefined {
  const kind = s.charAt(i + 2);
  if (kind !== 'm' && kind !== 'w') return undefined;
  const at = s.indexOf('@', i + 3);
  const end = s.indexOf('#', at + 1);
  if (at === -1 || end === -1 || end - at > 24) return undefined;
  const n = Number(s.slice(i + 3, at));
  const sentAt = Number(s.slice(at + 1, end));
  return Number.isFinite(sentAt) && Number.isInteger(n)
    ? { measured: kind === 'm', n, sentAt }
    : undefined;
}

/** The marker a benchmark report carries at the end of its title. */
export function markerOf(title: string): Marker | undefined {
  const i = title.lastIndexOf('#B');
  return i === -1 ? undefined : parseMarker(title, i);
}

export function marker(measured: boolean, n: number, sentAt: number): string {
  return `#B${measured ? 'm' : 'w'}${n}@${sentAt.toFixed(3)}#`;
}
