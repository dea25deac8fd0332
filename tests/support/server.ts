import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  Delta,
  Kpis,
  ReportInput,
  ServerToClientEvents,
  Snapshot,
} from '../../shared/index.js';
import {
  coverOf,
  SequenceCursor,
  unpackDeltas,
  unpackSnapshot,
  WIRE_VERSION,
} from '../../shared/index.js';
import type { City } from '../../shared/index.js';
import { DEMO_CITY_DIR, loadDemoPackage } from '../../fixtures/index.js';
import type { LoadedCity } from '../../server/city/index.js';
import { loadHotspots, type Hotspot } from '../../server/simulate/hotspots.js';
import { refuseDemoCredentials } from '../../server/auth/demo-credentials.js';
import { loadConfig } from '../../server/config.js';
import type { Clock } from '../../server/live/clock.js';
import { startServer, type RunningServer } from '../../server/server.js';

export const DEMO_PASSWORD = 'citybrain-demo';
export const INGEST_KEY = 'demo-ingest-key';

type DemoCity = City & { hotspots: Hotspot[] };
let city: DemoCity | undefined;
/** The demo city as the server loads it, with the hot spots its simulator reads. */
export function demoCity(): DemoCity {
  return (city ??= { ...loadDemoPackage().city, hotspots: loadHotspots(DEMO_CITY_DIR) });
}

export interface TestServer extends RunningServer {
  dataDir: string;
  stop(): Promise<void>;
}

/** A real server on an ephemeral port over a fresh SQLite file. */
export async function startTestServer(
  options: {
    clock?: Clock;
    dataDir?: string;
    city?: LoadedCity;
    /** More environment for the config (METRICS_TOKEN, SESSION_TTL_HOURS, ...). */
    env?: Record<string, string>;
  } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'citybrain-test-'));
  const config = refuseDemoCredentials(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DEMO: 'true',
      DEMO_ORIGIN_PORT: '0',
      ...options.env,
    }),
  );
  const server = await startServer(config, options.city ?? loadDemoPackage(), options.clock);
  return {
    ...server,
    dataDir,
    async stop() {
      await server.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function login(
  url: string,
  username: string,
  password = DEMO_PASSWORD,
): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export async function api(
  url: string,
  path: string,
  options: { token?: string; method?: string; body?: unknown } = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

let reportCounter = 0;
/**
 * A valid report at a point inside the city: each call at the next grid's centre, so reports
 * only attach to each other where a test places them together.
 */
export function report(over: Partial<ReportInput> = {}): ReportInput {
  const grids = demoCity().regions.features.filter((f) => f.properties.level === 'grid');
  const [lng, lat] = grids[reportCounter % grids.length]!.properties.center;
  return {
    source: 'grid-worker',
    externalId: `test-${process.pid}-${++reportCounter}`,
    category: 'dispute',
    title: '邻里噪音纠纷',
    description: '楼上装修噪音，双方争执',
    location: { lng, lat },
    time: new Date().toISOString(),
    ...over,
  };
}

export function postReport(url: string, body: unknown, key = INGEST_KEY) {
  return api(url, '/api/v1/reports', { token: key, body });
}

/** A real Socket.IO client that keeps its place in the stream and resumes from it. */
export class LiveClient {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  readonly cursor = new SequenceCursor();
  readonly received: Delta[] = [];
  snapshots: Snapshot[] = [];
  kpis: Kpis | undefined;
  errors: string[] = [];

  constructor(url: string, token: string) {
    this.socket = io(url, {
      transports: ['websocket'],
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
      auth: (cb) =>
        cb({
          token,
          wire: WIRE_VERSION,
          ...(this.cursor.lastSeq === undefined ? {} : { lastSeq: this.cursor.lastSeq }),
        }),
    });
    this.socket.on('snapshot', (s) => {
      this.snapshots.push(unpackSnapshot(s));
      this.cursor.reset(s.seq);
    });
    this.socket.on('deltas', (deltas) => {
      try {
        this.received.push(...this.cursor.take(unpackDeltas(deltas), coverOf(deltas)));
      } catch (err) {
        this.errors.push((err as Error).message);
      }
    });
    this.socket.on('kpis', (k) => (this.kpis = k));
    this.socket.on('connect_error', (err) => this.errors.push(err.message));
  }

  ready(): Promise<void> {
    return waitFor(() => this.snapshots.length > 0 || this.cursor.lastSeq !== undefined);
  }

  close(): void {
    this.socket.close();
  }
}

export async function waitFor(
  check: () => boolean,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
