import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeAccountsFile } from '../../server/auth/accounts-file.js';
import { DEMO_PASSWORD } from '../../server/auth/demo-credentials.js';
import { hashPassword } from '../../server/auth/passwords.js';
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
      'error: bad role chief: use one of duty, operator, leader, department, grid, patrol, admin\n',
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

  it('adds a grid worker’s phone bound to its worker; another worker ends its sessions', async () => {
    server = await startTestServer();
    const dir = server.dataDir;
    const added = await user(
      dir,
      ['add', 'libishan', '--role', 'grid', '--name', '网格员 李碧珊', '--grid-worker', 'gw-026'],
      `${PASSWORD}\n${PASSWORD}\n`,
    );
    expect(added.stderr).toContain('added user libishan (grid gw-026)');
    expect(added.code).toBe(0);
    const file = join(dir, 'accounts.json');
    expect(JSON.parse(readFileSync(file, 'utf8')).users[0]).toMatchObject({
      username: 'libishan',
      role: 'grid',
      gridWorkerId: 'gw-026',
    });
    const answer = await eventually(async () => {
      const res = await api(server!.url, '/api/v1/auth/login', {
        body: { username: 'libishan', password: PASSWORD },
      });
      if (res.status !== 200) throw new Error(`login answered ${res.status}`);
      return res.body as { token: string; gridWorkerId?: string };
    });
    expect(answer.gridWorkerId).toBe('gw-026');
    const me = await api(server.url, '/api/v1/auth/me', { token: answer.token });
    expect(me.body).toEqual({
      username: 'libishan',
      name: '网格员 李碧珊',
      role: 'grid',
      gridWorkerId: 'gw-026',
    });
    const list = await user(dir, ['list']);
    expect(list.stdout).toMatch(/BOUND TO/);
    expect(list.stdout).toMatch(/libishan\s+网格员 李碧珊\s+grid\s+gw-026\s+no/);

    // The phone handed to another worker: the first one's session must not act as the second.
    const client = new LiveClient(server.url, answer.token);
    await client.ready();
    const disconnected = new Promise<string>((resolve) =>
      client.socket.once('disconnect', (reason) => resolve(reason)),
    );
    const accounts = JSON.parse(readFileSync(file, 'utf8')) as {
      users: { gridWorkerId?: string }[];
    };
    accounts.users[0]!.gridWorkerId = 'gw-027';
    writeFileSync(file, JSON.stringify(accounts));
    expect(await disconnected).toBe('io server disconnect');
    expect((await api(server.url, '/api/v1/auth/me', { token: answer.token })).status).toBe(401);
    const again = await eventually(() => login(server!.url, 'libishan', PASSWORD));
    expect((await api(server.url, '/api/v1/auth/me', { token: again })).body).toMatchObject({
      gridWorkerId: 'gw-027',
    });
    client.close();
  });

  it('ends a session whose user was bound to another patrol while the server was down', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'citybrain-test-'));
    const file = join(dataDir, 'accounts.json');
    const phone = {
      username: 'pt-phone',
      name: '滨江派出所巡逻组',
      role: 'patrol' as const,
      passwordHash: hashPassword(PASSWORD, 1024),
      patrolId: 'pt-01',
    };
    writeAccountsFile(file, { users: [phone], ingestKeys: [], deviceTokens: [] });
    try {
      server = await startTestServer({ dataDir });
      const token = await login(server.url, 'pt-phone', PASSWORD);
      await server.stop();
      // No reload sees this change: the session itself must not outlive it.
      writeAccountsFile(file, {
        users: [{ ...phone, patrolId: 'pt-02' }],
        ingestKeys: [],
        deviceTokens: [],
      });
      server = await startTestServer({ dataDir });
      expect((await api(server.url, '/api/v1/auth/me', { token })).status).toBe(401);
    } finally {
      await server?.stop();
      server = undefined;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a bound role without its binding, a binding on another role, an unknown id', async () => {
    server = await startTestServer();
    const dir = server.dataDir;
    const add = (args: string[]) =>
      user(dir, ['add', 'wangwei', '--name', '王伟', ...args], `${PASSWORD}\n${PASSWORD}\n`);
    const [unbound, misplaced, unknown] = await Promise.all([
      add(['--role', 'grid']),
      add(['--role', 'duty', '--patrol', 'pt-01']),
      add(['--role', 'grid', '--grid-worker', 'gw-999']),
    ]);
    expect(unbound).toMatchObject({
      code: 1,
      stderr: 'error: role grid needs --grid-worker <id>\n',
    });
    expect(misplaced).toMatchObject({
      code: 1,
      stderr: 'error: --patrol is only for role patrol\n',
    });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /^error: user wangwei is bound to grid worker gw-999, which the city package does not have/,
    );
    // Nothing was written: no file at all.
    expect(existsSync(join(dir, 'accounts.json'))).toBe(false);
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

  it('answers the demo phones’ and department’s bindings at login and on /me', async () => {
    server = await startTestServer();
    for (const [username, binding] of [
      ['grid', { gridWorkerId: 'gw-026' }],
      ['patrol', { patrolId: 'pt-01' }],
      ['dept', { departmentId: 'dept-city-management' }],
    ] as const) {
      const res = await api(server.url, '/api/v1/auth/login', {
        body: { username, password: DEMO_PASSWORD },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        role: username === 'dept' ? 'department' : username,
        ...binding,
      });
      const me = await api(server.url, '/api/v1/auth/me', {
        token: (res.body as { token: string }).token,
      });
      expect(me.body).toMatchObject({ username, ...binding });
    }
    // A user of an unbound role answers no binding.
    const duty = await api(server.url, '/api/v1/auth/login', {
      body: { username: 'duty', password: DEMO_PASSWORD },
    });
    expect(Object.keys(duty.body as object).sort()).toEqual(['expiresAt', 'name', 'role', 'token']);
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
    // Until the server has read the new token, a connection is refused, and a refused client
    // does not try again by itself: each attempt ends at its first answer.
    const wall = await eventually(async () => {
      const client = new LiveClient(server!.url, token);
      try {
        await waitFor(() => client.snapshots.length > 0 || client.errors.length > 0);
        if (!client.snapshots.length) throw new Error(`refused: ${client.errors.join('; ')}`);
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

  it('calls a wall by its title on the screens, and by its name in pushes and plans', async () => {
    server = await startTestServer();
    const bad = await user(server.dataDir, ['wall', 'add', 'hall-right', '--title', ' ']);
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringMatching(/bad title/) });
    const added = await user(server.dataDir, [
      'wall',
      'add',
      'hall-right',
      '--title',
      '指挥大厅右屏',
    ]);
    expect(added.code).toBe(0);
    const token = added.stdout.trim();
    const listed = await user(server.dataDir, ['wall', 'list']);
    expect(listed.stdout).toMatch(/hall-right\s+指挥大厅右屏\s+operator/);
    // The wall knows both: what it is called, and the name a push or a plan gives it.
    const me = await eventually(async () => {
      const res = await api(server!.url, '/api/v1/auth/me', { token });
      if (res.status !== 200) throw new Error(`me answered ${res.status}`);
      return res.body;
    });
    expect(me).toMatchObject({
      username: 'device:hall-right',
      name: '指挥大厅右屏',
      wall: 'hall-right',
    });
    // The desks' push targets and plan forms list it with its title.
    const config = await api(server.url, '/api/v1/client-config');
    expect(config.body.walls).toContainEqual({ name: 'hall-right', title: '指挥大厅右屏' });
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
