import { HttpError } from '../http-error.js';

/**
 * A failure talking to a camera's upstream. Its message goes to the client as-is, so it is built
 * from fixed words and numbers only: never a URL, host, credential or upstream error text.
 */
export class UpstreamError extends HttpError {
  /** The status upstream itself answered, when it answered: 404 is "not recorded" to playback. */
  upstreamStatus?: number;
}

export interface Fetched {
  body: Buffer;
  /** Where the bytes finally came from, after redirects: the base for relative URIs. */
  url: string;
  /** What upstream said the bytes are (its Content-Type), if it said. */
  contentType?: string;
}

export interface FetchOptions {
  timeoutMs: number;
  maxBytes: number;
}

/** Where one camera's HLS comes from: an NVR or media server over HTTP, or a local transmux. */
export interface Upstream {
  /** The playlist a viewer starts from. */
  readonly entry: string;
  /** Whether a URL lies within this upstream; playlists may name nothing else. */
  contains(url: string): boolean;
  /**
   * Whether it serves Low-Latency HLS (blocking playlist reloads, delta updates): only then are a
   * player's `_HLS_*` directives passed on, since any other server would just ignore them, or
   * take them as part of the file name.
   */
  readonly lowLatency: boolean;
  fetch(url: string, options: FetchOptions): Promise<Fetched>;
  /** Throws an HttpError if a new viewer cannot be served now (no room for another transmux). */
  admit?(): void;
}

const MAX_REDIRECTS = 3;

/** An HLS upstream over HTTP(S), sent the camera's credentials and headers and nothing else. */
export class HttpUpstream implements Upstream {
  private readonly root: string;

  constructor(
    readonly entry: string,
    private readonly headers: Record<string, string>,
    readonly lowLatency = false,
  ) {
    this.root = `${new URL(entry).origin}/`;
  }

  contains(url: string): boolean {
    return url.startsWith(this.root);
  }

  async fetch(url: string, { timeoutMs, maxBytes }: FetchOptions): Promise<Fetched> {
    const signal = AbortSignal.timeout(timeoutMs);
    let current = url;
    try {
      for (let hop = 0; ; hop++) {
        // Redirects are followed by hand so that credentials never go to another host.
        const res = await fetch(current, { headers: this.headers, redirect: 'manual', signal });
        const location = res.headers.get('location');
        if (res.status >= 300 && res.status < 400 && location) {
          await res.body?.cancel();
          const next = new URL(location, current).href;
          if (!this.contains(next)) throw new UpstreamError(502, 'camera upstream redirected away');
          if (hop >= MAX_REDIRECTS)
            throw new UpstreamError(502, 'camera upstream redirects too often');
          current = next;
          continue;
        }
        if (!res.ok) {
          await res.body?.cancel();
          const failure = new UpstreamError(502, `camera upstream answered ${res.status}`);
          failure.upstreamStatus = res.status;
          throw failure;
        }
        const contentType = res.headers.get('content-type') ?? undefined;
        return { body: await readCapped(res, maxBytes), url: current, contentType };
      }
    } catch (err) {
      throw asUpstreamError(err, timeoutMs);
    }
  }
}

async function readCapped(res: Response, maxBytes: number): Promise<Buffer> {
  if (Number(res.headers.get('content-length') ?? 0) > maxBytes) {
    await res.body?.cancel();
    throw new UpstreamError(502, 'camera upstream response too large');
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body?.getReader();
  for (let r = await reader?.read(); r && !r.done; r = await reader?.read()) {
    size += r.value.byteLength;
    if (size > maxBytes) {
      await reader?.cancel();
      throw new UpstreamError(502, 'camera upstream response too large');
    }
    chunks.push(r.value);
  }
  return Buffer.concat(chunks, size);
}

/** Maps any failure to a safe status and message; the original error stays on the server. */
export function asUpstreamError(err: unknown, timeoutMs: number): UpstreamError {
  if (err instanceof UpstreamError) return err;
  const name = (err as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new UpstreamError(504, `camera upstream did not answer within ${timeoutMs} ms`);
  }
  return new UpstreamError(502, 'camera upstream unreachable');
}
