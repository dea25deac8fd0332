import { existsSync, readFileSync } from 'node:fs';
import { accountsPath, readAccountsFile } from './auth/accounts-file.js';
import { unknownBindings } from './auth/bindings.js';
import { refuseDemoCredentials } from './auth/demo-credentials.js';
import { CityPackageError, formatProblem, loadCity, type LoadedCity } from './city/index.js';
import { ConfigError, type Config } from './config.js';

/**
 * What the server checks before it listens. A centre's server (DEMO=false) refuses to start
 * without a valid city package, a user who can log in and a stream token secret, printing one
 * line per missing thing, all of them at once (docs/DEPLOY.md). Details under a line, such as a
 * broken city package's problems, are indented by two spaces.
 */

/** Whether this is the compiled server (dist/server/*.js, `npm run serve`) rather than tsx. */
export const COMPILED = import.meta.url.endsWith('.js');

/** How many of a broken city package's errors are shown under its refusal line. */
const SHOWN_CITY_ERRORS = 10;

export const REFUSALS = {
  demoFromDist:
    'DEMO=true: the compiled server (dist/) runs a centre, not the demo; run the demo from the sources with npm start',
  noCityDir: 'CITY_DIR is not set: name the city package folder (docs/CITY.md)',
  noTokenSecret:
    'STREAM_TOKEN_SECRET is not set: give at least 32 random characters (openssl rand -hex 32) so stream URLs survive restarts',
  noUser: (accountsFile: string) =>
    `no user can log in: add one with npm run user -- add <username> --role duty --name <姓名> (accounts file ${accountsFile})`,
  brokenCity: (dir: string, errors: number) =>
    `CITY_DIR ${dir} is not a valid city package: ${errors} error${errors === 1 ? '' : 's'} (check it with npm run city:check -- ${dir})`,
} as const;

/**
 * The environment the server reads its config from. The compiled server runs a centre, so there
 * DEMO defaults to false unless the environment or the config file says otherwise; from the
 * sources (npm start, tsx) the demo stays the default.
 */
export function serverEnv(
  env: NodeJS.ProcessEnv = process.env,
  compiled: boolean = COMPILED,
): NodeJS.ProcessEnv {
  if (!compiled || (env.DEMO ?? '') !== '' || configFileSetsDemo(env.CONFIG_FILE)) return env;
  return { ...env, DEMO: 'false' };
}

function configFileSetsDemo(path: string | undefined): boolean {
  if (!path || !existsSync(path)) return false;
  try {
    const file = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return typeof file === 'object' && file !== null && 'demo' in file;
  } catch {
    return false; // loadConfig names the broken file
  }
}

export type PreflightResult =
  { ok: true; config: Config; loaded: LoadedCity } | { ok: false; refusals: string[] };

/**
 * Checks everything a start needs and loads the city package once. Outside demo mode the demo's
 * published credentials are refused, along with the rest.
 */
export function preflight(config: Config, compiled: boolean = COMPILED): PreflightResult {
  if (config.demo && compiled) return { ok: false, refusals: [REFUSALS.demoFromDist] };
  const refusals: string[] = [];
  try {
    refuseDemoCredentials(config);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    refusals.push(err.message);
  }

  let loaded: LoadedCity | undefined;
  if (!config.city.dir) refusals.push(REFUSALS.noCityDir);
  else {
    try {
      loaded = loadCity(config.city.dir);
    } catch (err) {
      if (!(err instanceof CityPackageError)) throw err;
      const errors = err.check.problems.filter((p) => p.severity === 'error');
      const shown = errors.slice(0, SHOWN_CITY_ERRORS).map((p) => `  ${formatProblem(p)}`);
      if (errors.length > shown.length) shown.push(`  … and ${errors.length - shown.length} more`);
      refusals.push([REFUSALS.brokenCity(err.check.dir, errors.length), ...shown].join('\n'));
    }
  }

  if (!config.demo) {
    const accountsFile = accountsPath(config);
    let accountUsers: number | undefined;
    try {
      const fileUsers = readAccountsFile(accountsFile).users;
      accountUsers = fileUsers.filter((u) => !u.disabled).length;
      // A user bound to a department, grid worker or patrol the city does not have acts for
      // no one, or for whoever gets that id later.
      if (loaded) {
        refusals.push(...unknownBindings([...config.users, ...fileUsers], loaded.city));
        // A wall of a sub-centre the city does not have would show nothing.
        const walls = [...config.deviceTokens, ...readAccountsFile(accountsFile).deviceTokens];
        refusals.push(
          ...unknownBindings(
            walls.map((w) => ({ username: `wall ${w.name}`, regionId: w.regionId })),
            loaded.city,
          ),
        );
      }
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      refusals.push(err.message); // names the file and what is wrong in it
    }
    if (accountUsers === 0 && config.users.length === 0)
      refusals.push(REFUSALS.noUser(accountsFile));
    if (!config.streams.tokenSecret) refusals.push(REFUSALS.noTokenSecret);
  }

  // The simulator pours made-up incidents into the event log: never into a real centre's.
  if (config.simulate && !config.demo)
    refusals.push('SIMULATE=true needs DEMO=true: the simulator makes up incidents');
  // A bad accounts file is named once, however many checks read it.
  if (refusals.length || !loaded) return { ok: false, refusals: [...new Set(refusals)] };
  return { ok: true, config, loaded };
}
