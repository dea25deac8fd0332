import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Server configuration: an optional JSON file (CONFIG_FILE) overlaid by environment variables,
 * validated once at start so a bad value stops the server with a message naming it.
 */
export const ConfigSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().min(1).default('0.0.0.0'),
  dataDir: z.string().min(1).default('data'),
  /** Switches on the demo city's simulator, demo accounts and the demo camera origin. */
  demo: z.boolean().default(true),
  /** Where the built web app lives; the server serves it when present. */
  webDir: z.string().min(1).default('dist/web'),
  /** The basemap style the web app loads; a centre may point it at its own tile server. */
  mapStyleUrl: z.string().min(1).default('/basemap/style.json'),
});
export type Config = z.infer<typeof ConfigSchema>;

/** Environment variable -> config key. */
const ENV_KEYS: Record<string, keyof Config> = {
  PORT: 'port',
  HOST: 'host',
  DATA_DIR: 'dataDir',
  DEMO: 'demo',
  WEB_DIR: 'webDir',
  MAP_STYLE_URL: 'mapStyleUrl',
};

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const fromFile = env.CONFIG_FILE ? readConfigFile(env.CONFIG_FILE) : {};
  const fromEnv: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    fromEnv[key] = key === 'demo' ? parseBoolean(name, value) : value;
  }
  const parsed = ConfigSchema.safeParse({ ...fromFile, ...fromEnv });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return {
    ...parsed.data,
    dataDir: resolve(parsed.data.dataDir),
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
