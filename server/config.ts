import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  CentreLevelSchema,
  DEFAULT_LEVEL_RULES,
  IdSchema,
  RoleSchema,
  SeveritySchema,
  type LevelRules,
} from '../shared/index.js';
import { bindingIssues, isUnboundRole, UNBOUND_ROLE_MESSAGE } from './auth/bindings.js';
import { PASSWORD_HASH_PATTERN } from './auth/passwords.js';
import { compileTrust } from './http/client-address.js';
import { StreamsConfigSchema } from './streams/config.js';
import { StatsConfigSchema } from './stats/config.js';
import { WarningsConfigSchema } from './warnings/config.js';

/**
 * Server configuration: an optional JSON file (CONFIG_FILE) overlaid by environment variables,
 * validated once at start so a bad value stops the server with a message naming it.
 */
/** What the screens call a wall (指挥大厅主屏): its name stays the token's key in logs and plans. */
export const WallTitleSchema = z.string().trim().min(1).max(40);

export const ConfigSchema = z.object({
  port: z.number().int().min(0).max(65535).default(8080),
  /** Where to listen; unset: loopback in demo mode (said at start), every address otherwise. */
  host: z.string().min(1).optional(),
  /**
   * TLS: the server speaks HTTPS, HTTP/2 to browsers that offer it (a wall's sixteen low-latency
   * players then share one connection) and HTTP/1.1 to the rest. PEM files, the certificate
   * with its chain (docs/DEPLOY.md: a centre's own CA).
   */
  tls: z.object({ certFile: z.string().min(1), keyFile: z.string().min(1) }).optional(),
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
  /**
   * Days of past the simulator makes on a first start with an empty store, so the demo opens
   * on a centre with weeks behind it (0: none). Later starts keep what is there.
   */
  demoHistoryDays: z.number().int().min(0).max(730).default(90),
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
      z
        .object({
          username: z.string().min(1),
          name: z.string().min(1),
          role: RoleSchema,
          passwordHash: z.string().regex(PASSWORD_HASH_PATTERN, 'must be scrypt:N:salt:hash'),
          /** Who a department, grid or patrol user acts as (ROLE_BINDINGS), as in the accounts file. */
          departmentId: IdSchema.optional(),
          gridWorkerId: IdSchema.optional(),
          patrolId: IdSchema.optional(),
          /** The sub-centre (a street's or community's region) the user works for; none: the city. */
          regionId: IdSchema.optional(),
        })
        .superRefine((u, ctx) => {
          for (const { binding, message } of bindingIssues(u))
            ctx.addIssue({ code: 'custom', path: [binding], message });
        }),
    )
    .default([]),
  /** Long-lived tokens for wall displays, so a wall survives restarts without anyone typing. */
  deviceTokens: z
    .array(
      z.object({
        name: z.string().min(1),
        /** What the screens call it (指挥大厅主屏); the name otherwise. */
        title: WallTitleSchema.optional(),
        token: z.string().min(16),
        role: RoleSchema.refine(isUnboundRole, UNBOUND_ROLE_MESSAGE).default('operator'),
        /** A sub-centre's wall: it shows that region, and only that region's desks push to it. */
        regionId: IdSchema.optional(),
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
  /**
   * `GET /metrics` for Prometheus: with a token, only with `Authorization: Bearer <token>`;
   * without one, only from the server's own host (loopback).
   */
  metricsToken: z.string().min(16, 'at least 16 characters').optional(),
  /**
   * Express's `trust proxy`, for a reverse proxy in front (docs/DEPLOY.md): e.g. `loopback`, so
   * login throttling and the audit trail see the client's address, not the proxy's.
   */
  trustProxy: z.union([z.number().int().min(1).max(10), z.string().min(1)]).optional(),
  /** pino's level; the demo prints readable lines, production JSON lines. */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Login throttling: failures per account and per client address within the window. */
  login: z
    .object({
      accountFailures: z.number().int().min(1).max(1000).default(10),
      addressFailures: z.number().int().min(1).max(100_000).default(100),
      windowMinutes: z
        .number()
        .min(1)
        .max(24 * 60)
        .default(10),
    })
    .prefault({}),
  /** Early warning (预警, docs/WARNINGS.md): the rules' thresholds and colours. */
  warnings: WarningsConfigSchema,
  /** Statistics (统计分析, docs/STATISTICS.md): the indicators and weights of 指数排行. */
  stats: StatsConfigSchema,
  /**
   * Centres at every level (五级联动, docs/LEVELS.md): which levels have centres, where a new
   * matter starts by severity, and how many minutes a level has to take a matter handed to it.
   */
  levels: z
    .object({
      centres: z
        .array(CentreLevelSchema)
        .min(1)
        .refine((l) => l.includes('city'), 'the city always has a centre')
        .default([...DEFAULT_LEVEL_RULES.centres]),
      start: z.partialRecord(SeveritySchema, CentreLevelSchema).default({}),
      takeWithinMinutes: z
        .partialRecord(
          CentreLevelSchema,
          z
            .number()
            .positive()
            .max(7 * 24 * 60),
        )
        .default({}),
    })
    .prefault({}),
  /** The audit trail (审计日志): rows older than this are pruned by the server. */
  audit: z.object({ retentionDays: z.number().int().min(1).max(3650).default(180) }).prefault({}),
  /** Outbound webhooks (server/webhooks, docs/API.md "Webhooks"). */
  webhooks: z
    .object({
      /** Delays before each retry, in ms; unset: 10 s, 30 s, 1, 2, 5, 10, 30 min, then hourly to 24 h. */
      retrySchedule: z.array(z.number().int().min(1).max(86_400_000)).min(1).max(200).optional(),
      /** How long one POST may take before it counts as failed. */
      timeoutMs: z.number().int().min(100).max(300_000).default(10_000),
      /** POSTs in flight at once, across all subscriptions. */
      concurrency: z.number().int().min(1).max(64).default(4),
      /** Finished deliveries (delivered or failed) are pruned after this many days. */
      retentionDays: z.number().int().min(1).max(3650).default(30),
    })
    .prefault({}),
  store: z
    .object({
      /**
       * SQLite's `synchronous`: `full` (the default outside demo mode) survives power loss with
       * every acknowledged write; `normal` survives a killed process but may lose the last
       * moments to a power cut.
       */
      synchronous: z.enum(['full', 'normal']).optional(),
      backup: z
        .object({
          /** Nightly backups go here (none without it). */
          dir: z.string().min(1).optional(),
          /** Local hour (the centre's UTC offset) at which the nightly backup runs. */
          hour: z.number().int().min(0).max(23).default(3),
          /** How many nightly backups are kept. */
          keep: z.number().int().min(1).max(365).default(7),
        })
        .prefault({}),
    })
    .prefault({}),
  /** Keys for integrations posting reports (Authorization: Bearer <key>). */
  ingestKeys: z.array(z.object({ name: z.string().min(1), key: z.string().min(12) })).default([]),
});
type ParsedConfig = z.infer<typeof ConfigSchema>;
/** The configuration as the server uses it: every choice that depends on demo mode made. */
export type Config = Omit<ParsedConfig, 'host' | 'store'> & {
  host: string;
  store: Omit<ParsedConfig['store'], 'synchronous'> & { synchronous: 'full' | 'normal' };
};

/** Environment variable -> config key. */
const ENV_KEYS: Record<string, keyof Config> = {
  PORT: 'port',
  HOST: 'host',
  DATA_DIR: 'dataDir',
  ACCOUNTS_FILE: 'accountsFile',
  DEMO: 'demo',
  SIMULATE: 'simulate',
  TIME_SCALE: 'timeScale',
  DEMO_HISTORY_DAYS: 'demoHistoryDays',
  WEB_DIR: 'webDir',
  MAP_STYLE_URL: 'mapStyleUrl',
  UTC_OFFSET_MINUTES: 'utcOffsetMinutes',
  SESSION_TTL_HOURS: 'sessionTtlHours',
  METRICS_TOKEN: 'metricsToken',
  TRUST_PROXY: 'trustProxy',
  LOG_LEVEL: 'logLevel',
};

const NUMERIC_KEYS = new Set<keyof Config>([
  'port',
  'utcOffsetMinutes',
  'sessionTtlHours',
  'timeScale',
  'demoHistoryDays',
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
  if (env.TLS_CERT || env.TLS_KEY) {
    fromEnv.tls = { certFile: env.TLS_CERT ?? '', keyFile: env.TLS_KEY ?? '' };
  }
  if (env.WALL_TOKEN)
    fromEnv.deviceTokens = [{ name: 'env', token: env.WALL_TOKEN, role: 'operator' }];
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (key === 'trustProxy') {
      fromEnv[key] = /^\d+$/.test(value) ? Number(value) : value;
      continue;
    }
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
  if (env.DEMO_ORIGIN_PORT || env.DEMO_ORIGIN_PART_FRAGMENTS) {
    streamsEnv.demoOrigin = {
      ...(fileStreams.demoOrigin as object),
      ...(env.DEMO_ORIGIN_PORT ? { port: Number(env.DEMO_ORIGIN_PORT) } : {}),
      ...(env.DEMO_ORIGIN_PART_FRAGMENTS
        ? { partFragments: Number(env.DEMO_ORIGIN_PART_FRAGMENTS) }
        : {}),
    };
  }
  if (Object.keys(streamsEnv).length) fromEnv.streams = { ...fileStreams, ...streamsEnv };
  const fileStore = (fromFile.store ?? {}) as Record<string, unknown>;
  const storeEnv: Record<string, unknown> = {};
  if (env.SQLITE_SYNCHRONOUS) storeEnv.synchronous = env.SQLITE_SYNCHRONOUS;
  if (env.BACKUP_DIR) storeEnv.backup = { ...(fileStore.backup as object), dir: env.BACKUP_DIR };
  if (Object.keys(storeEnv).length) fromEnv.store = { ...fileStore, ...storeEnv };
  const parsed = ConfigSchema.safeParse({ ...fromFile, ...fromEnv });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const cityDir = parsed.data.city.dir ?? (parsed.data.demo ? DEMO_CITY_DIR : undefined);
  const dataDir = resolve(parsed.data.dataDir);
  const { store } = parsed.data;
  try {
    compileTrust(parsed.data.trustProxy);
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  trustProxy: ${(err as Error).message}`);
  }
  for (const [key, file] of Object.entries(parsed.data.tls ?? {})) {
    if (!existsSync(file)) {
      throw new ConfigError(`invalid configuration:\n  tls.${key}: no such file: ${file}`);
    }
  }
  return {
    ...parsed.data,
    host: parsed.data.host ?? (parsed.data.demo ? '127.0.0.1' : '0.0.0.0'),
    store: {
      synchronous: store.synchronous ?? (parsed.data.demo ? 'normal' : 'full'),
      backup: { ...store.backup, dir: store.backup.dir && resolve(store.backup.dir) },
    },
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

/** The level rules the config makes: its own choices over the documented defaults. */
export function levelRules(levels: Config['levels']): LevelRules {
  const d = DEFAULT_LEVEL_RULES;
  const takeWithin = { ...d.takeWithin };
  for (const [level, minutes] of Object.entries(levels.takeWithinMinutes))
    takeWithin[level as keyof typeof takeWithin] = minutes * 60_000;
  return { centres: levels.centres, start: { ...d.start, ...levels.start }, takeWithin };
}
