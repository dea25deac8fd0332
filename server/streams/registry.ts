import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../config.js';

/**
 * Where a camera's video comes from. Server-only: upstream URLs and credentials never leave
 * this module's callers, and the shared camera type deliberately has no room for them.
 */
export type CameraSource = (
  | { kind: 'hls'; url: string; headers: Record<string, string>; lowLatency: boolean }
  | { kind: 'rtsp'; url: string }
) & { playback?: PlaybackSource };

/**
 * Where a camera's recordings come from (回放): an HLS VOD playlist of any time range, named by a
 * URL template with the range's times in it (an NVR's or ZLMediaKit's record playlist).
 */
export interface PlaybackSource {
  /** The URL with `{start}`, `{end}` and the other time placeholders left in (`{id}` filled). */
  template: string;
  headers: Record<string, string>;
}

/**
 * The time placeholders a playback template may use, each filled with the asked range in whole
 * seconds (the start rounded down, the end up, so the range is covered): ISO 8601 in UTC, Unix
 * seconds, the compact form many NVRs take (20261203T080000Z), and the length in seconds.
 */
export const PLAYBACK_PLACEHOLDERS: Record<string, (start: number, end: number) => string> = {
  start: (s) => iso(s),
  end: (_, e) => iso(e),
  startUnix: (s) => String(s),
  endUnix: (_, e) => String(e),
  startCompact: (s) => compact(s),
  endCompact: (_, e) => compact(e),
  duration: (s, e) => String(e - s),
};

const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
const compact = (seconds: number) => iso(seconds).replaceAll(/[-:]/g, '');

/** A playback template's URL for one time range, its placeholders URL-encoded. */
export function playbackUrl(source: PlaybackSource, start: Date, end: Date): string {
  return source.template.replaceAll(/\{([A-Za-z]+)\}/g, (whole, name: string) => {
    const fill = Object.hasOwn(PLAYBACK_PLACEHOLDERS, name)
      ? PLAYBACK_PLACEHOLDERS[name]
      : undefined;
    const seconds = [Math.floor(start.getTime() / 1000), Math.ceil(end.getTime() / 1000)] as const;
    return fill ? encodeURIComponent(fill(...seconds)) : whole;
  });
}

const HttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const RtspUrl = z.url({ protocol: /^rtsps?$/, error: 'must be an rtsp(s) URL' });
const Headers = z.record(z.string().regex(/^[A-Za-z0-9-]+$/), z.string()).default({});

const PlaybackSchema = z.strictObject({
  /** An HLS VOD playlist URL template: `{id}` and the time placeholders above. */
  hls: z.string().min(1),
  username: z.string().optional(),
  password: z.string().optional(),
  headers: Headers,
});

const EntrySchema = z.union([
  z.strictObject({
    hls: z.string().min(1),
    playback: PlaybackSchema.optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    headers: Headers,
    /**
     * The media server speaks Low-Latency HLS (MediaMTX, recent SRS and ZLMediaKit with it on):
     * players' blocking-reload directives are passed on to it, within bounds.
     */
    lowLatency: z.boolean().default(false),
  }),
  z.strictObject({ rtsp: z.string().min(1), playback: PlaybackSchema.optional() }),
]);

/**
 * The registry file: explicit cameras, and a template for every other camera of the city whose
 * URL differs only by the camera id (`{id}`), as with one media server carrying all cameras.
 */
export const RegistryFileSchema = z.strictObject({
  template: EntrySchema.optional(),
  cameras: z.array(z.intersection(z.object({ id: z.string().min(1) }), EntrySchema)).default([]),
});
export type RegistryFile = z.input<typeof RegistryFileSchema>;

export type Registry = ReadonlyMap<string, CameraSource>;

/** Builds the registry for the city's cameras; ids the city does not have are reported back. */
export function buildRegistry(
  file: unknown,
  cameraIds: readonly string[],
): { registry: Registry; unknownIds: string[] } {
  const parsed = RegistryFileSchema.safeParse(file);
  if (!parsed.success) {
    throw registryError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  const known = new Set(cameraIds);
  const registry = new Map<string, CameraSource>();
  const unknownIds: string[] = [];
  const problems: string[] = [];
  const add = (id: string, entry: z.output<typeof EntrySchema>, path: string) => {
    const fill = (template: string) => template.replaceAll('{id}', encodeURIComponent(id));
    const source = toSource(entry, fill);
    if (typeof source === 'string') problems.push(`${path}.${source}`);
    else registry.set(id, source);
  };
  parsed.data.cameras.forEach((entry, i) => {
    if (known.has(entry.id)) add(entry.id, entry, `cameras.${i}`);
    else unknownIds.push(entry.id);
  });
  const { template } = parsed.data;
  if (template) {
    for (const id of cameraIds) if (!registry.has(id)) add(id, template, 'template');
  }
  if (problems.length) throw registryError(problems);
  return { registry, unknownIds };
}

export function loadRegistryFile(path: string, cameraIds: readonly string[]) {
  if (!existsSync(path)) throw new ConfigError(`camera registry ${path} does not exist`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`camera registry ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return buildRegistry(json, cameraIds);
}

function toSource(
  entry: z.output<typeof EntrySchema>,
  fill: (template: string) => string,
): CameraSource | string {
  let playback: PlaybackSource | undefined;
  if (entry.playback) {
    const template = fill(entry.playback.hls);
    if (!/\{(start|startUnix|startCompact)\}/.test(template)) {
      return 'playback.hls: must name the start time ({start}, {startUnix} or {startCompact})';
    }
    const sample = playbackUrl({ template, headers: {} }, new Date(0), new Date(60_000));
    if (/\{[A-Za-z]+\}/.test(sample)) return 'playback.hls: unknown placeholder';
    const http = httpSource(sample, entry.playback);
    if (!http) return 'playback.hls: must be an http(s) URL';
    // The template loses its user info as the sample did: the credentials are in the headers.
    const bare = template.replace(/^(https?:\/\/)[^/@]*@/i, '$1');
    playback = { template: bare, headers: http.headers };
  }
  const extra = playback ? { playback } : {};
  if ('rtsp' in entry) {
    const url = fill(entry.rtsp);
    return RtspUrl.safeParse(url).success
      ? { kind: 'rtsp', url, ...extra }
      : 'rtsp: must be an rtsp(s) URL';
  }
  const http = httpSource(fill(entry.hls), entry);
  if (!http) return 'hls: must be an http(s) URL';
  return { kind: 'hls', ...http, lowLatency: entry.lowLatency, ...extra };
}

/**
 * An HTTP source's URL without credentials and the headers it is fetched with: fetch refuses
 * URLs with credentials in them, so they travel as a Basic header instead.
 */
function httpSource(
  filled: string,
  entry: { username?: string; password?: string; headers: Record<string, string> },
): { url: string; headers: Record<string, string> } | undefined {
  if (!HttpUrl.safeParse(filled).success) return undefined;
  const url = new URL(filled);
  const username = entry.username ?? decodeURIComponent(url.username);
  const password = entry.password ?? decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  const headers = { ...entry.headers };
  if (username || password) {
    headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  return { url: url.href, headers };
}

/** Names the bad fields without echoing values, which may be URLs with credentials. */
function registryError(problems: readonly string[]): ConfigError {
  const lines = problems.slice(0, 10).map((p) => `  ${p}`);
  return new ConfigError(`invalid camera registry:\n${lines.join('\n')}`);
}
