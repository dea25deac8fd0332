import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import { loadDemoCity } from '../../fixtures/index.js';
import type { Camera, CameraStatus } from '../../shared/index.js';
import type { AuditEntry } from '../../server/audit/audit.js';
import { Auth } from '../../server/auth/auth.js';
import { refuseDemoCredentials } from '../../server/auth/demo-credentials.js';
import { levelRules, loadConfig } from '../../server/config.js';
import { Scopes } from '../../server/levels/scopes.js';
import { errorHandler } from '../../server/http/middleware.js';
import { Metrics } from '../../server/metrics.js';
import { openSqliteStore } from '../../server/store/sqlite-store.js';
import { StreamsConfigSchema, type StreamsConfig } from '../../server/streams/config.js';
import { DemoOrigin } from '../../server/streams/demo-origin.js';
import { createStreams, type Streams } from '../../server/streams/index.js';
import type { RegistryFile } from '../../server/streams/registry.js';

export const ORIGIN_USER = 'nvr-test';
export const ORIGIN_PASSWORD = 'origin-secret-never-leaks';

let cameras: Camera[] | undefined;
/** The demo city's 648 cameras. */
export function cityCameras(): Camera[] {
  return (cameras ??= loadDemoCity().cameras);
}

export interface Harness {
  /** The forwarder's base URL. */
  url: string;
  streams: Streams;
  metrics: Metrics;
  auth: Auth;
  /** Every status change the health watch reported, in order. */
  reported: { cameraId: string; status: CameraStatus }[];
  /** Every audit entry the streams recorded, in order. */
  audited: AuditEntry[];
  /** A signed-in user's bearer token. */
  bearer: string;
  /** Asks the API for a camera's stream URL, made absolute; as another session's if given. */
  streamUrl(cameraId: string, options?: { bearer?: string; screen?: string }): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The real forwarder in a real Express app with real logins (SQLite sessions), over a real
 * upstream: `registry` writes a registry file, otherwise demo mode starts the demo origin.
 */
export async function startHarness(
  options: {
    cameras?: Camera[];
    registry?: RegistryFile;
    config?: Partial<StreamsConfig>;
    /** Leave the stream GETs to the Express router instead of the server's fast path. */
    expressOnly?: boolean;
  } = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'citybrain-streams-'));
  const config = refuseDemoCredentials(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, DEMO: 'true' }),
  );
  const store = openSqliteStore(dir);
  const auth = new Auth(config, store);
  const metrics = new Metrics();
  let registryFile: string | undefined;
  if (options.registry) {
    registryFile = join(dir, 'cameras.json');
    writeFileSync(registryFile, JSON.stringify(options.registry));
  }
  const streamsConfig = StreamsConfigSchema.parse({
    health: { intervalSeconds: 1 },
    demoOrigin: { port: 0 },
    ...options.config,
    ...(registryFile ? { registryFile } : {}),
  });
  const reported: Harness['reported'] = [];
  const audited: AuditEntry[] = [];
  // As the server wires it: a sub-centre's users see their own area's recordings.
  const scopes = new Scopes(loadDemoCity(), levelRules(config.levels));
  const streams = createStreams({
    config: streamsConfig,
    demo: true,
    checkCameraArea: (principal, cameraId) => scopes.checkCamera(principal, cameraId),
    cameras: options.cameras ?? cityCameras().slice(0, 8),
    auth,
    metrics,
    audit: { record: (entry) => void audited.push(entry) },
    reportStatus: async (cameraId, status) => void reported.push({ cameraId, status }),
  });
  // As the server wires it: an ended session or removed wall token ends its stream URLs.
  auth.onAccessEnded(({ sessionHashes = [], deviceTokenHashes }) => {
    for (const holder of [...sessionHashes, ...deviceTokenHashes]) streams.revokeHolder(holder);
  });
  const app = express();
  app.use('/api', express.json());
  app.get(
    '/metrics',
    async (_req, res) => void res.type('text/plain').send(await metrics.render()),
  );
  app.use(streams.router);
  app.use(errorHandler);
  // As the server wires it: stream GETs first, everything else through Express.
  const http = createServer((req, res) =>
    options.expressOnly ? app(req, res) : streams.handle(req, res) || app(req, res),
  );
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  await streams.start();
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const { token: bearer } = await auth.login('duty', 'citybrain-demo');
  return {
    url,
    streams,
    metrics,
    auth,
    reported,
    audited,
    bearer,
    async streamUrl(cameraId, { bearer: as = bearer, screen } = {}) {
      const res = await fetch(`${url}/api/v1/cameras/${cameraId}/stream`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${as}`,
          ...(screen ? { 'content-type': 'application/json' } : {}),
        },
        ...(screen ? { body: JSON.stringify({ screen }) } : {}),
      });
      if (!res.ok) throw new Error(`stream URL for ${cameraId}: ${res.status} ${await res.text()}`);
      return new URL(((await res.json()) as { url: string }).url, url).href;
    },
    async stop() {
      await streams.stop();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      auth.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A demo origin of our own, counting what it is asked for. */
export async function startOrigin(
  cameraIds: string[],
  options: { windowSize?: number } = {},
): Promise<{ origin: DemoOrigin; requests: Map<string, number>; registry: RegistryFile }> {
  const requests = new Map<string, number>();
  const origin = new DemoOrigin(cameraIds, {
    host: '127.0.0.1',
    port: 0,
    username: ORIGIN_USER,
    password: ORIGIN_PASSWORD,
    onRequest: (_method, path) => requests.set(path, (requests.get(path) ?? 0) + 1),
    ...options,
  });
  const base = await origin.start();
  const registry: RegistryFile = {
    template: {
      hls: `${base}/cam/{id}/index.m3u8`,
      username: ORIGIN_USER,
      password: ORIGIN_PASSWORD,
    },
  };
  return { origin, requests, registry };
}

const run = promisify(execFile);

/** ffprobe's view of a file's video stream, or undefined when ffprobe is not installed. */
export async function probeVideo(
  path: string,
): Promise<{ codec_name: string; width: number; height: number } | undefined> {
  try {
    const { stdout } = await run('ffprobe', [
      ...['-v', 'error', '-select_streams', 'v:0'],
      ...['-show_entries', 'stream=codec_name,width,height', '-of', 'json', path],
    ]);
    return (
      JSON.parse(stdout) as { streams: { codec_name: string; width: number; height: number }[] }
    ).streams[0];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function hasFfprobe(): Promise<boolean> {
  try {
    await run('ffprobe', ['-version']);
    return true;
  } catch {
    return false;
  }
}
