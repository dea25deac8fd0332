import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../config.js';

/**
 * Where a camera's video comes from. Server-only: upstream URLs and credentials never leave
 * this module's callers, and the shared camera type deliberately has no room for them.
 */
export type CameraSource =
  | { kind: 'hls'; url: string; headers: Record<string, string>; lowLatency: boolean }
  | { kind: 'rtsp'; url: string };

const HttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const RtspUrl = z.url({ protocol: /^rtsps?$/, error: 'must be an rtsp(s) URL' });
const Headers = z.record(z.string().regex(/^[A-Za-z0-9-]+$/), z.string()).default({});

const EntrySchema = z.union([
  z.strictObject({
    hls: z.string().min(1),
    username: z.string().optional(),
    password: z.string().optional(),
    headers: Headers,
    /**
     * The media server speaks Low-Latency HLS (MediaMTX, recent SRS and ZLMediaKit with it on):
     * players' blocking-reload directives are passed on to it, within bounds.
     */
    lowLatency: z.boolean().default(false),
  }),
  z.strictObject({ rtsp: z.string().min(1) }),
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
  if ('rtsp' in entry) {
    const url = fill(entry.rtsp);
    return RtspUrl.safeParse(url).success ? { kind: 'rtsp', url } : 'rtsp: must be an rtsp(s) URL';
  }
  const filled = fill(entry.hls);
  if (!HttpUrl.safeParse(filled).success) return 'hls: must be an http(s) URL';
  // fetch refuses URLs with credentials in them, so they travel as a Basic header instead.
  const url = new URL(filled);
  const username = entry.username ?? decodeURIComponent(url.username);
  const password = entry.password ?? decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  const headers = { ...entry.headers };
  if (username || password) {
    headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  return { kind: 'hls', url: url.href, headers, lowLatency: entry.lowLatency };
}

/** Names the bad fields without echoing values, which may be URLs with credentials. */
function registryError(problems: readonly string[]): ConfigError {
  const lines = problems.slice(0, 10).map((p) => `  ${p}`);
  return new ConfigError(`invalid camera registry:\n${lines.join('\n')}`);
}
