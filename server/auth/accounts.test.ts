import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { writeAccountsFile, type AccountsFile } from './accounts-file.js';
import { hashSecret } from './accounts-file.js';
import {
  accountChanges,
  endedAccess,
  LiveAccounts,
  mergeAccounts,
  type LiveUser,
} from './accounts.js';
import { DEMO_INGEST_KEY, refuseDemoCredentials } from './demo-credentials.js';
import { hashPassword } from './passwords.js';

const HASH = hashPassword('a-long-secret', 1024);
const empty = (): AccountsFile => ({ users: [], ingestKeys: [], deviceTokens: [] });

function setup(env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'citybrain-accounts-'));
  const path = join(dataDir, 'accounts.json');
  const config = () => refuseDemoCredentials(loadConfig({ DATA_DIR: dataDir, ...env }));
  return { dataDir, path, config };
}

const opened: LiveAccounts[] = [];
afterEach(() => {
  for (const a of opened.splice(0)) a.close();
});

describe('the live accounts', () => {
  it('finds the file in the data folder unless ACCOUNTS_FILE names it', () => {
    const { dataDir } = setup();
    expect(loadConfig({ DATA_DIR: dataDir }).accountsFile).toBe(join(dataDir, 'accounts.json'));
    expect(loadConfig({ DATA_DIR: dataDir, ACCOUNTS_FILE: '/etc/cb/a.json' }).accountsFile).toBe(
      '/etc/cb/a.json',
    );
  });

  it('adds the demo credentials only while neither the config nor the file names any account', () => {
    const { path, config } = setup({ DEMO: 'true' });
    const demo = mergeAccounts(config(), empty());
    expect([...demo.users.keys()]).toEqual(expect.arrayContaining(['duty', 'operator', 'leader']));
    expect(demo.ingestKeys).toEqual([{ name: 'demo', keyHash: hashSecret(DEMO_INGEST_KEY) }]);
    expect(demo.deviceTokens.map((t) => [t.name, t.regionId])).toEqual([
      ['demo-wall', undefined],
      ['binjiang-wall', 'd01-s01'],
    ]);

    const file: AccountsFile = {
      ...empty(),
      users: [{ username: 'chenjing', name: '陈静', role: 'duty', passwordHash: HASH }],
    };
    // Whether the file had its users at start or gained them later: one real user, and the
    // demo's published key and wall token go too.
    const later = mergeAccounts(config(), file);
    writeAccountsFile(path, file);
    const atStart = mergeAccounts(config(), file);
    for (const merged of [later, atStart]) {
      expect([...merged.users.keys()]).toEqual(['chenjing']);
      expect(merged.ingestKeys).toEqual([]);
      expect(merged.deviceTokens).toEqual([]);
    }
    // A real ingest key alone is enough to leave out the demo's users.
    const keyed = setup({ DEMO: 'true', INGEST_KEY: 'a-real-ingest-key' });
    const withKey = mergeAccounts(keyed.config(), empty());
    expect([...withKey.users.keys()]).toEqual([]);
    expect(withKey.ingestKeys.map((k) => k.name)).toEqual(['env']);
  });

  it('adds the config’s accounts to the file’s, and refuses a user in both', () => {
    const { config } = setup({ DEMO: 'false', INGEST_KEY: 'a-real-ingest-key' });
    const file: AccountsFile = {
      users: [{ username: 'chenjing', name: '陈静', role: 'duty', passwordHash: HASH }],
      ingestKeys: [{ name: 'hotline', keyHash: hashSecret('another-key-here') }],
      deviceTokens: [],
    };
    const merged = mergeAccounts(config(), file);
    expect(merged.ingestKeys.map((k) => k.name)).toEqual(['env', 'hotline']);
    expect(merged.deviceTokens).toEqual([]);
    const both = {
      ...config(),
      users: [{ username: 'chenjing', name: '陈静', role: 'leader' as const, passwordHash: HASH }],
    };
    expect(() => mergeAccounts(both, file)).toThrow(ConfigError);
    expect(() => mergeAccounts(both, file)).toThrow(/chenjing also in the config's users/);
  });

  it('ends the access of users disabled, removed, moved to another role or given a new password', () => {
    const user = (username: string, over = {}) => ({
      username,
      name: username,
      role: 'duty' as const,
      passwordHash: HASH,
      disabled: false,
      ...over,
    });
    const token = (name: string, role: 'operator' | 'leader' = 'operator') => ({
      name,
      tokenHash: hashSecret(name.padEnd(20, '-')),
      role,
    });
    const before = {
      users: new Map(
        ['same', 'off', 'gone', 'role', 'pw', 'wasoff'].map((u) => [
          u,
          user(u, u === 'wasoff' ? { disabled: true } : {}),
        ]),
      ),
      ingestKeys: [],
      deviceTokens: [token('kept'), token('removed'), token('demoted')],
      demo: false,
    };
    const after = {
      users: new Map([
        ['same', user('same')],
        ['off', user('off', { disabled: true })],
        ['role', user('role', { role: 'leader' })],
        ['pw', user('pw', { passwordHash: hashPassword('another-secret', 1024) })],
        ['wasoff', user('wasoff', { disabled: true })],
      ]),
      ingestKeys: [],
      deviceTokens: [token('kept'), token('demoted', 'leader')],
      demo: false,
    };
    expect(endedAccess(before, after)).toEqual({
      usernames: ['off', 'gone', 'role', 'pw'],
      deviceTokenHashes: [token('removed').tokenHash, token('demoted').tokenHash],
    });
  });

  it('ends the access of a user given another department, grid worker or patrol', () => {
    const user = (username: string, over: Partial<LiveUser>): LiveUser => ({
      username,
      name: username,
      role: 'grid',
      passwordHash: HASH,
      disabled: false,
      ...over,
    });
    const accounts = (users: LiveUser[]) => ({
      users: new Map(users.map((u) => [u.username, u])),
      ingestKeys: [],
      deviceTokens: [],
      demo: false,
    });
    const before = accounts([
      user('gw', { gridWorkerId: 'gw-026' }),
      user('gw-same', { gridWorkerId: 'gw-027' }),
      user('pt', { role: 'patrol', patrolId: 'pt-01' }),
      user('dept', { role: 'department', departmentId: 'dept-city-management' }),
    ]);
    const after = accounts([
      // The phone handed to another worker must not keep acting as the first.
      user('gw', { gridWorkerId: 'gw-001' }),
      user('gw-same', { gridWorkerId: 'gw-027' }),
      user('pt', { role: 'patrol', patrolId: 'pt-02' }),
      user('dept', { role: 'department', departmentId: 'dept-other' }),
    ]);
    expect(endedAccess(before, after)).toEqual({
      usernames: ['gw', 'pt', 'dept'],
      deviceTokenHashes: [],
    });
    expect(accountChanges(before, after)).toEqual([
      { kind: 'user', name: 'gw', change: 'grid-worker' },
      { kind: 'user', name: 'pt', change: 'patrol' },
      { kind: 'user', name: 'dept', change: 'department' },
    ]);
  });

  it('reloads on a change to the file and on SIGHUP; a bad file leaves the accounts in force', async () => {
    const { path, config } = setup({ DEMO: 'false' });
    const file: AccountsFile = {
      ...empty(),
      users: [{ username: 'chenjing', name: '陈静', role: 'duty', passwordHash: HASH }],
    };
    writeAccountsFile(path, file);
    const log = { log: vi.fn(), error: vi.fn() };
    const accounts = new LiveAccounts(config(), log);
    opened.push(accounts);
    const ended = vi.fn();
    accounts.onEnded(ended);
    accounts.watch();

    writeAccountsFile(path, { ...file, users: [{ ...file.users[0]!, disabled: true }] });
    await vi.waitFor(() => expect(ended).toHaveBeenCalledTimes(1), { timeout: 5_000 });
    expect(ended).toHaveBeenCalledWith({ usernames: ['chenjing'], deviceTokenHashes: [] });
    expect(accounts.current.users.get('chenjing')?.disabled).toBe(true);

    const reload = vi.spyOn(accounts, 'reload');
    process.emit('SIGHUP', 'SIGHUP');
    expect(reload).toHaveBeenCalledWith('SIGHUP');

    writeFileSync(path, '{"users": [{"username": "chenjing"}]}');
    expect(await accounts.reload()).toBe(false);
    expect(log.error).toHaveBeenLastCalledWith(
      expect.stringMatching(
        /accounts not reloaded, the previous ones stay in force: .*users\.0\.name/s,
      ),
    );
    expect(accounts.current.users.get('chenjing')?.disabled).toBe(true);

    // Outside the demo, a demo key is refused on reload as at start.
    writeAccountsFile(path, {
      ...file,
      ingestKeys: [{ name: 'copied', keyHash: hashSecret(DEMO_INGEST_KEY) }],
    });
    expect(await accounts.reload()).toBe(false);
    expect(log.error).toHaveBeenLastCalledWith(
      expect.stringContaining('ingest key copied is the demo key'),
    );

    accounts.close();
    reload.mockClear();
    process.emit('SIGHUP', 'SIGHUP');
    expect(reload).not.toHaveBeenCalled();
  });

  it('stops the server starting outside demo mode with a demo credential in the file', () => {
    const { path, config } = setup({ DEMO: 'false' });
    writeAccountsFile(path, {
      ...empty(),
      ingestKeys: [{ name: 'copied', keyHash: hashSecret(DEMO_INGEST_KEY) }],
    });
    expect(config).toThrow(/ingest key copied is the demo key/);
    writeFileSync(path, 'not json');
    expect(config).toThrow(/accounts file .* is not valid JSON/);
  });
});
