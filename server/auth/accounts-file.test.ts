import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.js';
import { readAccountsFile, writeAccountsFile, type AccountsFile } from './accounts-file.js';
import { hashSecret } from './accounts-file.js';
import { hashPassword } from './passwords.js';

const dir = () => mkdtempSync(join(tmpdir(), 'citybrain-accounts-'));

const HASH = hashPassword('a-long-secret', 1024);
const sample: AccountsFile = {
  users: [
    { username: 'chenjing', name: '值班员 陈静', role: 'duty', passwordHash: HASH },
    {
      username: 'cg-01',
      name: '城管 一中队',
      role: 'department',
      passwordHash: HASH,
      departmentId: 'dept-chengguan',
      disabled: true,
    },
  ],
  ingestKeys: [{ name: 'hotline', keyHash: hashSecret('k'.repeat(43)) }],
  deviceTokens: [{ name: 'hall-left', tokenHash: hashSecret('t'.repeat(43)), role: 'operator' }],
};

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('did not throw');
}

describe('the accounts file', () => {
  it('holds no accounts while it does not exist', () => {
    expect(readAccountsFile(join(dir(), 'accounts.json'))).toEqual({
      users: [],
      ingestKeys: [],
      deviceTokens: [],
    });
  });

  it('is written whole, readable by its owner only, and read back the same', () => {
    const path = join(dir(), 'nested', 'accounts.json');
    writeAccountsFile(path, sample);
    writeAccountsFile(path, sample);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(path, '..'))).toEqual(['accounts.json']);
    expect(readAccountsFile(path)).toEqual(sample);
  });

  it('names the file and the field when it is wrong', () => {
    const path = join(dir(), 'accounts.json');
    writeFileSync(path, '{"users": [');
    const json = errorOf(() => readAccountsFile(path));
    expect(json).toBeInstanceOf(ConfigError);
    expect(json.message).toContain(`accounts file ${path} is not valid JSON`);

    const bad = structuredClone(sample) as unknown as { users: Record<string, unknown>[] };
    bad.users[0]!.role = 'chief';
    bad.users[1]!.departmentId = undefined;
    writeFileSync(path, JSON.stringify(bad));
    const schema = errorOf(() => readAccountsFile(path));
    expect(schema).toBeInstanceOf(ConfigError);
    expect(schema.message).toContain(`invalid accounts file ${path}`);
    expect(schema.message).toMatch(/users\.0\.role: /);
    expect(schema.message).toContain('users.1.departmentId: required for role department');
  });

  it('holds grid and patrol users with their bindings', () => {
    const path = join(dir(), 'accounts.json');
    const bound: AccountsFile = {
      ...sample,
      users: [
        ...sample.users,
        {
          username: 'gw',
          name: '网格员 李碧珊',
          role: 'grid',
          passwordHash: HASH,
          gridWorkerId: 'gw-026',
        },
        { username: 'pt', name: '巡逻组', role: 'patrol', passwordHash: HASH, patrolId: 'pt-01' },
      ],
    };
    writeAccountsFile(path, bound);
    expect(readAccountsFile(path)).toEqual(bound);
  });

  it('refuses a bound role without its binding, and a binding on another role', () => {
    const path = join(dir(), 'accounts.json');
    const user = (over: Record<string, unknown>) => ({
      username: `u${Math.random().toString(36).slice(2, 8)}`,
      name: '某人',
      passwordHash: HASH,
      ...over,
    });
    writeFileSync(
      path,
      JSON.stringify({
        users: [
          // A grid worker's phone bound to no one would see no grid's incidents, or all of them.
          user({ role: 'grid' }),
          // A patrol phone claiming a department would act for it.
          user({ role: 'patrol', patrolId: 'pt-01', departmentId: 'dept-city-management' }),
          user({ role: 'duty', gridWorkerId: 'gw-026' }),
          user({ role: 'grid', gridWorkerId: 'gw-026', patrolId: 'pt-01' }),
          user({ role: 'patrol' }),
          user({ role: 'grid', gridWorkerId: 'not an id' }),
        ],
      }),
    );
    const message = errorOf(() => readAccountsFile(path)).message;
    expect(message).toContain('users.0.gridWorkerId: required for role grid');
    expect(message).toContain('users.1.departmentId: only for role department');
    expect(message).not.toContain('users.1.patrolId');
    expect(message).toContain('users.2.gridWorkerId: only for role grid');
    expect(message).toContain('users.3.patrolId: only for role patrol');
    expect(message).toContain('users.4.patrolId: required for role patrol');
    expect(message).toMatch(/users\.5\.gridWorkerId: ids use letters/);

    // A wall token has no binding to carry: a grid phone's screen must be a user's.
    writeFileSync(
      path,
      JSON.stringify({
        deviceTokens: [{ name: 'phone', tokenHash: hashSecret('t'.repeat(43)), role: 'grid' }],
      }),
    );
    expect(errorOf(() => readAccountsFile(path)).message).toContain(
      'deviceTokens.0.role: a wall token cannot have a bound role (department, grid, patrol)',
    );
  });

  it('refuses a plain key, an unknown field and a duplicate username', () => {
    const path = join(dir(), 'accounts.json');
    writeFileSync(
      path,
      JSON.stringify({ ingestKeys: [{ name: 'hotline', key: 'a-plain-key-in-the-file' }] }),
    );
    const plain = errorOf(() => readAccountsFile(path)).message;
    expect(plain).toMatch(/ingestKeys\.0\.keyHash: /);
    expect(plain).toMatch(/ingestKeys\.0: Unrecognized key: "key"/);
    writeFileSync(path, JSON.stringify({ ...sample, users: [sample.users[0], sample.users[0]] }));
    expect(errorOf(() => readAccountsFile(path)).message).toContain(
      'users.1.username: duplicate chenjing',
    );
  });
});
