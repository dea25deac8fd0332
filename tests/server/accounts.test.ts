import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WIRE_VERSION } from '../../shared/index.js';
import { watchLogs } from '../../server/log.js';
import {
  api,
  LiveClient,
  login,
  postReport,
  report,
  startTestServer,
  waitFor,
  type TestServer,
} from '../support/server.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const PASSWORD = 'gu4rd-the-c1ty';

let server: TestServer | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await server?.stop();
  server = undefined;
});

/** `npm run user -- …` as an operator runs it: a child process, the password on its stdin. */
function user(
  dataDir: string,
  args: string[],
  stdin = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  delete env.CONFIG_FILE;
  delete env.ACCOUNTS_FILE;
  const child = spawn('npx', ['tsx', 'server/cli/user.ts', ...args], {
    cwd: REPO,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(stdin);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function addUser(dataDir: string, username: string, role = 'duty'): Promise<void> {
  const r = await user(
    dataDir,
    ['add', username, '--role', role, '--name', '值班员 陈静'],
    `${PASSWORD}\n${PASSWORD}\n`,
  );
  expect(r.stderr).toContain(`added user ${username}`);
  expect(r.code).toBe(0);
}

// Each CLI run starts tsx and hashes a password at full cost: seconds on a busy machine.
describe('accounts managed with npm run user', { timeout: 120_000 }, () => {
  it('adds a user whose login works at once, without a restart; the file is private', async () => {
    server = await startTestServer();
    await addUser(server.dataDir, 'chenjing');
    const accounts = join(server.dataDir, 'accounts.json');
    expect(statSync(accounts).mode & 0o777).toBe(0o600);
    expect(readFileSync(accounts, 'utf8')).not.toContain(PASSWORD);
    // The server reloads within a second of the write.
    const token = await eventually(() => login(server!.url, 'chenjing', PASSWORD));
    const me = await api(server.url, '/api/v1/auth/me', { token });
    expect(me.body).toEqual({ username: 'chenjing', name: '值班员 陈静', role: 'duty' });
    const list = await user(server.dataDir, ['list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/chenjing\s+值班员 陈静\s+duty\s+-\s+no/);
    expect(list.stdout).not.toContain('scrypt');
  });

  it('refuses a mismatched repeat, a short password, a taken username and a bad role', async () => {
    server = await startTestServer();
    const dir = server.dataDir;
    const add = (args: string[], stdin = '') =>
      user(dir, ['add', 'wangwei', '--name', '王伟', ...args], stdin);

    const mismatch = await add(['--role', 'duty'], `${PASSWORD}\n${PASSWORD}x\n`);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toBe('error: passwords do not match\n');

    const short = await add(['--role', 'duty'], 'short-pw\nshort-pw\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toBe('error: password too short: at least 10 characters\n');

    const role = await add(['--role', 'chief'], `${PASSWORD}\n${PASSWORD}\n`);
    expect(role.code).toBe(1);
    expect(role.stderr).toBe(
      'error: bad role chief: use one of duty, operator, leader, department, admin\n',
    );

    const department = await add(['--role', 'department'], `${PASSWORD}\n${PASSWORD}\n`);
    expect(department.code).toBe(1);
    expect(department.stderr).toBe('error: role department needs --department <id>\n');

    await addUser(dir, 'wangwei');
    const taken = await add(['--role', 'leader'], `${PASSWORD}\n${PASSWORD}\n`);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toBe('error: user wangwei already exists\n');

    const help = await user(dir, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run user -- <command>/);
  });

  it('ends a disabled user’s socket and sessions at once; enabled, they log in afresh', async () => {
    server = await startTestServer();
    await addUser(server.dataDir, 'zhaolei');
    const token = await eventually(() => login(server!.url, 'zhaolei', PASSWORD));
    const client = new LiveClient(server.url, token);
    await client.ready();
    // A second screen of the same user, and another user's, which must stay.
    await addUser(server.dataDir, 'sunli', 'leader');
    const other = new LiveClient(
      server.url,
      await eventually(() => login(server!.url, 'sunli', PASSWORD)),
    );
    await other.ready();
    const disconnected = new Promise<string>((resolve) =>
      client.socket.once('disconnect', (reason) => resolve(reason)),
    );

    const disable = await user(server.dataDir, ['disable', 'zhaolei']);
    expect(disable.code).toBe(0);
    expect(await disconnected).toBe('io server disconnect');
    expect((await api(server.url, '/api/v1/auth/me', { token })).status).toBe(401);
    const refused = await api(server.url, '/api/v1/auth/login', {
      body: { username: 'zhaolei', password: PASSWORD },
    });
    // The code (account_disabled) is the login work's to assert; the shape is checked here.
    expect(refused).toMatchObject({
      status: 401,
      body: { error: { message: 'this account is disabled' } },
    });
    expect(other.socket.connected).toBe(true);

    expect((await user(server.dataDir, ['enable', 'zhaolei'])).code).toBe(0);
    await eventually(() => login(server!.url, 'zhaolei', PASSWORD));
    // The old session stays ended: enabling does not bring it back.
    expect((await api(server.url, '/api/v1/auth/me', { token })).status).toBe(401);
    client.close();
    other.close();
  });

  it('makes an integration key the intake accepts, keeps only its hash, and removes it', async () => {
    server = await startTestServer();
    const added = await user(server.dataDir, ['key', 'add', '12345-hotline']);
    expect(added.code).toBe(0);
    const key = added.stdout.trim();
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const file = readFileSync(join(server.dataDir, 'accounts.json'), 'utf8');
    expect(file).not.toContain(key);
    expect(JSON.parse(file).ingestKeys).toEqual([
      { name: '12345-hotline', keyHash: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) },
    ]);

    const accepted = await eventually(async () => {
      const res = await postReport(server!.url, report(), key);
      if (res.status !== 201) throw new Error(`intake answered ${res.status}`);
      return res;
    });
    expect(accepted.body.result).toBe('created');
    const listed = await user(server.dataDir, ['key', 'list']);
    expect(listed.stdout).toBe('NAME\n12345-hotline\n');

    expect((await user(server.dataDir, ['key', 'remove', '12345-hotline'])).code).toBe(0);
    await eventually(async () => {
      const res = await postReport(server!.url, report(), key);
      if (res.status !== 401) throw new Error(`intake answered ${res.status}`);
    });
    const again = await user(server.dataDir, ['key', 'remove', '12345-hotline']);
    expect(again).toMatchObject({ code: 1, stderr: 'error: no integration key 12345-hotline\n' });
  });

  it('disconnects a wall whose device token is removed', async () => {
    server = await startTestServer();
    const added = await user(server.dataDir, ['wall', 'add', 'hall-left']);
    expect(added.code).toBe(0);
    const token = added.stdout.trim();
    const wall = await eventually(async () => {
      const client = new LiveClient(server!.url, token);
      try {
        await client.ready();
        return client;
      } catch (err) {
        client.close();
        throw err;
      }
    });
    const disconnected = new Promise<string>((resolve) =>
      wall.socket.once('disconnect', (reason) => resolve(reason)),
    );
    expect((await user(server.dataDir, ['wall', 'remove', 'hall-left'])).code).toBe(0);
    expect(await disconnected).toBe('io server disconnect');
    // And it cannot come back.
    const refused = io(server.url, {
      transports: ['websocket'],
      reconnection: false,
      auth: { token, wire: WIRE_VERSION },
    });
    const error = await new Promise<Error>((resolve) => refused.once('connect_error', resolve));
    expect(error.message).toMatch(/unauthorized/);
    refused.close();
    wall.close();
  });

  it('keeps the accounts in force when the file turns invalid, and says so', async () => {
    server = await startTestServer();
    await addUser(server.dataDir, 'liuyang');
    await eventually(() => login(server!.url, 'liuyang', PASSWORD));
    const errors: string[] = [];
    const stopWatching = watchLogs((line) => line.level === 'error' && errors.push(line.msg));
    const file = join(server.dataDir, 'accounts.json');
    writeFileSync(file, '{"users": [{"username": "liuyang", "role": "chief"}]}');
    await waitFor(
      () => errors.some((m) => /accounts not reloaded/.test(m)),
      5_000,
      'the reload error',
    );
    stopWatching();
    const message = errors.join('\n');
    expect(message).toContain(file);
    expect(message).toContain('users.0.role');
    await login(server.url, 'liuyang', PASSWORD);
  });
});

/** Retries until the server has picked up the change (it reloads within a second). */
async function eventually<T>(attempt: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
