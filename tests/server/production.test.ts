// The production start (docs/DEPLOY.md): the compiled server, `node dist/server/main.js`, on a
// test city with a user made by the real CLI; and its refusals, one line per missing thing.
import { execFileSync, spawn } from 'node:child_process';
import { builtinModules } from 'node:module';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFUSALS } from '../../server/preflight.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'dist/server/main.js');
const USER_CLI = join(ROOT, 'dist/server/cli/user.js');
const LAKESIDE = join(ROOT, 'tests/cities/lakeside');
const SECRET = 'production-test-stream-secret-0123456789';
const USERNAME = 'zhang.wei';
const PASSWORD = 'lakeside-duty-2026!';

const temp = mkdtempSync(join(tmpdir(), 'citybrain-production-'));
/** A data directory holding one user, made by the CLI. */
const dataDir = join(temp, 'data');
/** A data directory with nobody in it. */
const emptyDataDir = join(temp, 'empty');

afterAll(() => rmSync(temp, { recursive: true, force: true }));

beforeAll(() => {
  // `npm test` builds first; a lone run of this file compiles the server if nobody has. Only the
  // server: a web build empties dist/web, which other test files may be serving at this moment.
  if (!existsSync(MAIN) || !existsSync(USER_CLI))
    execFileSync('npm', ['run', 'build:server'], { cwd: ROOT, stdio: 'ignore' });
});

/** Only what the test names: nothing from the developer's own environment leaks in. */
function env(vars: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  for (const [k, v] of Object.entries(vars)) if (v !== undefined) clean[k] = v;
  return clean;
}

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(script: string, args: string[], vars: NodeJS.ProcessEnv, input = ''): Promise<Exit> {
  const child = spawn(process.execPath, [script, ...args], { cwd: temp, env: vars });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const production = (vars: Record<string, string | undefined>) =>
  env({ PORT: '0', HOST: '127.0.0.1', DEMO: 'false', ...vars });

/** The stderr lines of a refusal, without the indented details under them. */
const refusalLines = (exit: Exit) => exit.stderr.split('\n').filter((l) => l && !l.startsWith(' '));

describe('the compiled server', () => {
  it('imports only runtime dependencies, and nothing from fixtures/', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const builtins = new Set(builtinModules);
    const bad: string[] = [];
    for (const dir of ['dist/server', 'dist/shared']) {
      const files = readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' });
      for (const file of files.filter((f) => f.endsWith('.js'))) {
        const text = readFileSync(join(ROOT, dir, file), 'utf8');
        // `… from 'x';` ends an import or export statement; the rest are calls with a literal.
        const specifiers = text.matchAll(
          /\bfrom\s*(['"])([^'"\n]+)\1\s*;|\b(?:import|require|resolve)\s*\(\s*(['"])([^'"\n]+)\3\s*\)/g,
        );
        for (const match of specifiers) {
          const spec = (match[2] ?? match[4])!;
          if (spec.startsWith('.')) {
            const target = resolve(ROOT, dir, file, '..', spec);
            if (!target.startsWith(join(ROOT, 'dist') + '/')) bad.push(`${dir}/${file}: ${spec}`);
            continue;
          }
          const name = spec.startsWith('@')
            ? spec.split('/').slice(0, 2).join('/')
            : spec.split('/')[0]!;
          if (spec.startsWith('node:') || builtins.has(name)) continue;
          if (!pkg.dependencies[name]) bad.push(`${dir}/${file}: ${spec} is not a dependency`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it(
    'starts with a city, a user made by the CLI and a token secret; the user logs in',
    { timeout: 40_000 },
    async () => {
      const made = await run(
        USER_CLI,
        ['add', USERNAME, '--role', 'duty', '--name', '张伟'],
        env({ DATA_DIR: dataDir }),
        `${PASSWORD}\n${PASSWORD}\n`,
      );
      expect(made.code, made.stderr).toBe(0);

      const child = spawn(process.execPath, [MAIN], {
        cwd: temp,
        env: production({ DATA_DIR: dataDir, CITY_DIR: LAKESIDE, STREAM_TOKEN_SECRET: SECRET }),
      });
      let output = '';
      const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
      try {
        const url = await new Promise<string>((done, fail) => {
          const seen = (b: Buffer) => {
            output += b.toString();
            const m = /listening on (http:\/\/\S+?):? /.exec(output);
            if (m) done(m[1]!);
          };
          child.stdout.on('data', seen);
          child.stderr.on('data', seen);
          void exited.then((code) => fail(new Error(`server exited with ${code}:\n${output}`)));
        });
        expect(output).toContain('湖滨市');
        expect(output).toContain('demo off');

        const health = await fetch(`${url}/api/health`);
        expect(health.status).toBe(200);

        const login = await fetch(`${url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: USERNAME, password: PASSWORD }),
        });
        expect(login.status).toBe(200);
        expect(await login.json()).toMatchObject({ role: 'duty', name: '张伟' });

        const wrong = await fetch(`${url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: USERNAME, password: 'citybrain-demo' }),
        });
        expect(wrong.status).toBe(401);
      } finally {
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
      }
    },
  );

  // One after the other: each start checks its users' password hashes against the demo password
  // with scrypt, which is slow on purpose; side by side on two cores they only wait for each other.
  describe('refuses to start, exit code 1, one line per missing thing', { timeout: 30_000 }, () => {
    it('without CITY_DIR', async () => {
      const exit = await run(
        MAIN,
        [],
        production({ DATA_DIR: dataDir, STREAM_TOKEN_SECRET: SECRET }),
      );
      expect(exit.code).toBe(1);
      expect(exit.stderr).toBe(`${REFUSALS.noCityDir}\n`);
    });

    it('with a broken city package, its problems under the line', async () => {
      const broken = join(temp, 'broken-city');
      cpSync(LAKESIDE, broken, { recursive: true });
      rmSync(join(broken, 'city.json'));
      const exit = await run(
        MAIN,
        [],
        production({ DATA_DIR: dataDir, CITY_DIR: broken, STREAM_TOKEN_SECRET: SECRET }),
      );
      expect(exit.code).toBe(1);
      expect(refusalLines(exit)).toEqual([
        `CITY_DIR ${broken} is not a valid city package: 1 error (check it with npm run city:check -- ${broken})`,
      ]);
      expect(exit.stderr).toContain('\n  city.json: ');
    });

    it('without a user', async () => {
      const exit = await run(
        MAIN,
        [],
        production({ DATA_DIR: emptyDataDir, CITY_DIR: LAKESIDE, STREAM_TOKEN_SECRET: SECRET }),
      );
      expect(exit.code).toBe(1);
      expect(exit.stderr).toBe(`${REFUSALS.noUser(join(emptyDataDir, 'accounts.json'))}\n`);
      expect(exit.stderr).toBe(
        `no user can log in: add one with npm run user -- add <username> --role duty --name <姓名> (accounts file ${join(emptyDataDir, 'accounts.json')})\n`,
      );
    });

    it('without a stream token secret', async () => {
      const exit = await run(MAIN, [], production({ DATA_DIR: dataDir, CITY_DIR: LAKESIDE }));
      expect(exit.code).toBe(1);
      expect(exit.stderr).toBe(`${REFUSALS.noTokenSecret}\n`);
    });

    it('all three at once, DEMO false by default from dist', async () => {
      const exit = await run(
        MAIN,
        [],
        env({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: emptyDataDir }),
      );
      expect(exit.code).toBe(1);
      expect(exit.stderr.split('\n')).toEqual([
        'CITY_DIR is not set: name the city package folder (docs/CITY.md)',
        `no user can log in: add one with npm run user -- add <username> --role duty --name <姓名> (accounts file ${join(emptyDataDir, 'accounts.json')})`,
        'STREAM_TOKEN_SECRET is not set: give at least 32 random characters (openssl rand -hex 32) so stream URLs survive restarts',
        '',
      ]);
    });

    it('in demo mode: the demo runs from the sources', async () => {
      const exit = await run(MAIN, [], env({ DEMO: 'true', DATA_DIR: emptyDataDir }));
      expect(exit.code).toBe(1);
      expect(exit.stderr).toBe(`${REFUSALS.demoFromDist}\n`);
    });
  });
});
