import { Agent, get as httpGet } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: 1024 });

interface Got {
  status: number;
  body: Buffer;
}

/** A GET over keep-alive connections; bodies are read whole, as a player reads a segment. */
function get(url: string, headers: Record<string, string>): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(15_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

const getOrError = (url: string, headers: Record<string, string>): Promise<Got> =>
  get(url, headers).catch(() => ({ status: 0, body: Buffer.alloc(0) }));

interface Listed {
  mediaSequence: number;
  targetDuration: number;
  uris: string[];
}

function parsePlaylist(text: string): Listed {
  const uris = text.split('\n').filter((l) => l && !l.startsWith('#'));
  return {
    mediaSequence: Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? 0),
    targetDuration: Number(/#EXT-X-TARGETDURATION:(\d+)/.exec(text)?.[1] ?? 2),
    uris,
  };
}

export interface PacedResult {
  viewers: number;
  seconds: number;
  segments: number;
  /** Segments a viewer's playlists listed after it joined but it did not get. */
  missing: number;
  errors: number;
  /** Segment request-to-last-byte times, milliseconds, sorted. */
  latencies: Float64Array;
  bytes: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Viewers that behave like hls.js on a live stream: reload the playlist every target duration,
 * start three segments from the live edge, and fetch every new segment in order.
 */
export async function paced(
  playlistUrls: string[],
  seconds: number,
  headers: Record<string, string> = {},
): Promise<PacedResult> {
  const until = Date.now() + seconds * 1000;
  const latencies: number[] = [];
  const result = { segments: 0, missing: 0, errors: 0, bytes: 0 };

  const viewer = async (url: string) => {
    await sleep(Math.random() * 2_000);
    let next: number | undefined;
    while (Date.now() < until) {
      const reloadAt = Date.now();
      const res = await getOrError(url, headers);
      let target = 2;
      if (res.status !== 200) result.errors++;
      else {
        const listed = parsePlaylist(res.body.toString());
        target = listed.targetDuration;
        const last = listed.mediaSequence + listed.uris.length - 1;
        next ??= Math.max(listed.mediaSequence, last - 2);
        if (next < listed.mediaSequence) {
          result.missing += listed.mediaSequence - next;
          next = listed.mediaSequence;
        }
        for (; next <= last; next++) {
          const uri = listed.uris[next - listed.mediaSequence]!;
          const started = performance.now();
          const seg = await getOrError(new URL(uri, url).href, headers);
          if (seg.status === 200) {
            latencies.push(performance.now() - started);
            result.segments++;
            result.bytes += seg.body.length;
          } else {
            result.errors++;
            result.missing++;
          }
        }
      }
      await sleep(Math.max(0, target * 1000 - (Date.now() - reloadAt)));
    }
  };
  await Promise.all(playlistUrls.map(viewer));
  return {
    viewers: playlistUrls.length,
    seconds,
    ...result,
    latencies: Float64Array.from(latencies).sort(),
  };
}

export interface SaturationResult {
  served: number;
  errors: number;
  seconds: number;
  bytes: number;
}

/**
 * As many segment requests as `concurrency` loops can make, spread over the segments every camera
 * lists now: what the server can serve from its cache when pushed.
 */
export async function saturate(
  playlistUrls: string[],
  seconds: number,
  concurrency: number,
  headers: Record<string, string> = {},
): Promise<SaturationResult> {
  let segmentUrls: string[] = [];
  const refresh = async () => {
    const lists = await Promise.all(
      playlistUrls.map(async (url) => {
        const res = await getOrError(url, headers);
        if (res.status !== 200) return [];
        return parsePlaylist(res.body.toString()).uris.map((u) => new URL(u, url).href);
      }),
    );
    segmentUrls = lists.flat();
  };
  await refresh();
  const refresher = setInterval(() => void refresh(), 1_000);
  const result = { served: 0, errors: 0, bytes: 0 };
  const started = performance.now();
  const until = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < until) {
      const url = segmentUrls[Math.floor(Math.random() * segmentUrls.length)]!;
      const res = await getOrError(url, headers);
      if (res.status === 200) {
        result.served++;
        result.bytes += res.body.length;
      } else result.errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  clearInterval(refresher);
  return { ...result, seconds: (performance.now() - started) / 1000 };
}

export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
