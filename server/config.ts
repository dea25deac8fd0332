import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { RoleSchema } from '../shared/index.js';
import { PASSWORD_HASH_PATTERN } from './auth/passwords.js';
import { StreamsConfigSchema } from './streams/config.js';

/**
 * Server configuration: an optional JSON file (CONFIG_FILE) overlaid by environment variables,
 * validated once at start so a bad value stops the server with a message naming it.
 */
export const ConfigSchema = z.object({
  port: z.number().int().min(0).max(65535).default(8080),
  host: z.string().min(1).default('0.0.0.0'),
  dataDir: z.string().min(1).default('data'),
  /**
   * Accounts managed with `npm run user` (server/auth/accounts-file.ts), reloaded while the server
   * runs; added to `users`, `ingestKeys` and `deviceTokens` below. Default `<dataDir>/accounts.json`.
   */
  accountsFile: z.string().min(1).optional(),
  /** Switches on the demo city's simulator, demo accounts and the demo camera origin. */
  demo: z.boolean().default(true),
  /** Runs the demo simulator (reports, desk, departments, patrols); unset follows `demo`. */
  simulate: z.boolean().optional(),
  /** How many times faster than real time the simulated day runs. */
  timeScale: z.number().positive().max(3600).default(1),
  /** Where the built web app lives; the server serves it when present. */
  webDir: z.string().min(1).default('dist/web'),
  /** The basemap style the web app loads; a centre may point it at its own tile server. */
  mapStyleUrl: z.string().min(1).default('/basemap/style.json'),
  /** The centre's offset from UTC, for "today" in KPIs (China: +8 h). */
  utcOffsetMinutes: z.number().int().min(-720).max(840).default(480),
  sessionTtlHours: z
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  /** Desk and briefing accounts; passwords as scrypt hashes (see `npm run hash-password`). */
  users: z
    .array(
      z.object({
        username: z.string().min(1),
        name: z.string().min(1),
        role: RoleSchema,
        passwordHash: z.string().regex(PASSWORD_HASH_PATTERN, 'must be scrypt:N:salt:hash'),
      }),
    )
    .default([]),
  /** Long-lived tokens for wall displays, so a wall survives restarts without anyone typing. */
  deviceTokens: z
    .array(
      z.object({
        name: z.string().min(1),
        token: z.string().min(16),
        role: RoleSchema.default('operator'),
      }),
    )
    .default([]),
  /**
   * The city package (docs/CITY.md). Without one, demo mode runs the demo city in
   * fixtures/city/; outside demo mode the server refuses to start.
   */
  city: z.object({ dir: z.string().min(1).optional() }).prefault({}),
  /** Camera streams: registry, tokens, forwarder, health, RTSP, demo origin (server/streams/config.ts). */
  streams: StreamsConfigSchema.prefault({}),
  /** Keys for integrations posting reports (Authorization: Bearer <key>). */
  ingestKeys: z.array(z.object({ name: z.string().min(1), key: z.string().min(12) })).default([]),
});
export type Config = z.infer<typeof ConfigSchema>;

/** Environment variable -> config key. */
const ENV_KEYS: Record<string, keyof Config> = {
  PORT: 'port',
  HOST: 'host',
  DATA_DIR: 'dataDir',
  ACCOUNTS_FILE: 'accountsFile',
  DEMO: 'demo',
  SIMULATE: 'simulate',
  TIME_SCALE: 'timeScale',
  WEB_DIR: 'webDir',
  MAP_STYLE_URL: 'mapStyleUrl',
  UTC_OFFSET_MINUTES: 'utcOffsetMinutes',
  SESSION_TTL_HOURS: 'sessionTtlHours',
};

const NUMERIC_KEYS = new Set<keyof Config>([
  'port',
  'utcOffsetMinutes',
  'sessionTtlHours',
  'timeScale',
]);
const BOOLEAN_KEYS = new Set<keyof Config>(['demo', 'simulate']);

/** The demo city, an ordinary city package; the default only while demo mode is on. */
const DEMO_CITY_DIR = fileURLToPath(new URL('../fixtures/city/', import.meta.url));

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const fromFile = env.CONFIG_FILE ? readConfigFile(env.CONFIG_FILE) : {};
  const fromEnv: Record<string, unknown> = {};
  if (env.INGEST_KEY) fromEnv.ingestKeys = [{ name: 'env', key: env.INGEST_KEY }];
  if (env.CITY_DIR) fromEnv.city = { ...(fromFile.city as object), dir: env.CITY_DIR };
  if (env.WALL_TOKEN)
    fromEnv.deviceTokens = [{ name: 'env', token: env.WALL_TOKEN, role: 'operator' }];
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    fromEnv[key] = BOOLEAN_KEYS.has(key)
      ? parseBoolean(name, value)
      : NUMERIC_KEYS.has(key)
        ? Number(value)
        : value;
  }
  const fileStreams = (fromFile.streams ?? {}) as Record<string, unknown>;
  const streamsEnv: Record<string, unknown> = {};
  if (env.CAMERA_REGISTRY) streamsEnv.registryFile = env.CAMERA_REGISTRY;
  if (env.STREAM_TOKEN_SECRET) streamsEnv.tokenSecret = env.STREAM_TOKEN_SECRET;
  if (env.FFMPEG_PATH) streamsEnv.ffmpegPath = env.FFMPEG_PATH;
  if (env.DEMO_ORIGIN_PORT) {
    streamsEnv.demoOrigin = {
      ...(fileStreams.demoOrigin as object),
      port: Number(env.DEMO_ORIGIN_PORT),
    };
  }
  if (Object.keys(streamsEnv).length) fromEnv.streams = { ...fileStreams, ...streamsEnv };
  const parsed = ConfigSchema.safeParse({ ...fromFile, ...fromEnv });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const cityDir = parsed.data.city.dir ?? (parsed.data.demo ? DEMO_CITY_DIR : undefined);
  const dataDir = resolve(parsed.data.dataDir);
  return {
    ...parsed.data,
    city: { dir: cityDir && resolve(cityDir) },
    dataDir,
    accountsFile: resolve(parsed.data.accountsFile ?? join(dataDir, 'accounts.json')),
    webDir: resolve(parsed.data.webDir),
  };
}

function readConfigFile(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new ConfigError(`CONFIG_FILE ${path} does not exist`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`CONFIG_FILE ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

function parseBoolean(name: string, value: string): boolean {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigError(
    `invalid configuration:\n  ${name}: expected true or false, got "${value}"`,
  );
}
