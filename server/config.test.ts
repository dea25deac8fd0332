import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeAccounts } from './auth/accounts.js';
import { DEMO_INGEST_KEY, DEMO_PASSWORD, refuseDemoCredentials } from './auth/demo-credentials.js';
import { hashPassword, verifyPassword } from './auth/passwords.js';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('listens on loopback in demo mode unless HOST says otherwise; everywhere outside it', () => {
    expect(loadConfig({ DEMO: 'true' }).host).toBe('127.0.0.1');
    expect(loadConfig({ DEMO: 'true', HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ DEMO: 'false' }).host).toBe('0.0.0.0');
  });

  it('fsyncs every commit outside demo mode unless told otherwise', () => {
    expect(loadConfig({ DEMO: 'false' }).store.synchronous).toBe('full');
    expect(loadConfig({ DEMO: 'true' }).store.synchronous).toBe('normal');
    expect(loadConfig({ DEMO: 'false', SQLITE_SYNCHRONOUS: 'normal' }).store.synchronous).toBe(
      'normal',
    );
    expect(() => loadConfig({ SQLITE_SYNCHRONOUS: 'sometimes' })).toThrow(/store.synchronous/);
  });

  it('serves HTTPS with both TLS files, and names the one missing or wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'citybrain-config-'));
    const cert = join(dir, 'c.crt');
    writeFileSync(cert, 'not read here');
    expect(loadConfig({ TLS_CERT: cert, TLS_KEY: cert }).tls).toEqual({
      certFile: cert,
      keyFile: cert,
    });
    expect(loadConfig({}).tls).toBeUndefined();
    expect(() => loadConfig({ TLS_CERT: cert })).toThrow(/tls.keyFile/);
    expect(() => loadConfig({ TLS_CERT: cert, TLS_KEY: join(dir, 'gone.key') })).toThrow(
      /tls.keyFile: no such file: .*gone.key/,
    );
  });

  it('reads defaults, then the file, then the environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'citybrain-config-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ port: 9000, utcOffsetMinutes: 420 }));
    const config = loadConfig({ CONFIG_FILE: file, PORT: '9100' });
    expect(config.port).toBe(9100);
    expect(config.utcOffsetMinutes).toBe(420);
    expect(config.demo).toBe(true);
  });

  it('stops with a message naming each bad value', () => {
    expect(() => loadConfig({ PORT: 'eighty', DEMO: 'maybe' })).toThrow(
      /DEMO: expected true or false, got "maybe"/,
    );
    const err = (() => {
      try {
        loadConfig({ PORT: '70000', SESSION_TTL_HOURS: '-1' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err?.message).toMatch(/port/);
    expect(err?.message).toMatch(/sessionTtlHours/);
    expect(() => loadConfig({ CONFIG_FILE: '/nonexistent/config.json' })).toThrow(/does not exist/);
  });

  it('has the published demo accounts and keys in demo mode', () => {
    const config = refuseDemoCredentials(loadConfig({ DEMO: 'true' }));
    const accounts = mergeAccounts(config, { users: [], ingestKeys: [], deviceTokens: [] });
    expect([...accounts.users.values()].map((u) => [u.username, u.role])).toEqual([
      ['duty', 'duty'],
      ['operator', 'operator'],
      ['leader', 'leader'],
      ['admin', 'admin'],
      ['grid', 'grid'],
      ['dept', 'department'],
      ['patrol', 'patrol'],
      ['street', 'duty'],
      ['community', 'duty'],
    ]);
    // The sub-centres work 滨江街道 and, inside it, 凤凰社区.
    expect(accounts.users.get('street')).toMatchObject({ regionId: 'd01-s01' });
    expect(accounts.users.get('community')).toMatchObject({ regionId: 'd01-s01-c07' });
    // The phones and the department act as the demo city's own records.
    expect(accounts.users.get('grid')).toMatchObject({ gridWorkerId: 'gw-026' });
    expect(accounts.users.get('dept')).toMatchObject({ departmentId: 'dept-city-management' });
    expect(accounts.users.get('patrol')).toMatchObject({ patrolId: 'pt-01' });
    expect(verifyPassword(DEMO_PASSWORD, accounts.users.get('duty')!.passwordHash)).toBe(true);
    expect(accounts.ingestKeys).toEqual([
      { name: 'demo', keyHash: createHash('sha256').update(DEMO_INGEST_KEY).digest('base64url') },
    ]);
  });

  it('binds the config’s department, grid and patrol users as the accounts file does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'citybrain-config-'));
    const file = join(dir, 'config.json');
    const passwordHash = hashPassword('a-real-secret', 1024);
    const user = (username: string, over: Record<string, string>) => ({
      username,
      name: username,
      passwordHash,
      ...over,
    });
    writeFileSync(
      file,
      JSON.stringify({
        users: [
          user('gw', { role: 'grid', gridWorkerId: 'gw-026' }),
          user('pt', { role: 'patrol', patrolId: 'pt-01' }),
          user('cg', { role: 'department', departmentId: 'dept-city-management' }),
        ],
      }),
    );
    const config = loadConfig({ CONFIG_FILE: file, DEMO: 'false' });
    expect(config.users.map((u) => [u.gridWorkerId, u.patrolId, u.departmentId])).toEqual([
      ['gw-026', undefined, undefined],
      [undefined, 'pt-01', undefined],
      [undefined, undefined, 'dept-city-management'],
    ]);
    const accounts = mergeAccounts(config, { users: [], ingestKeys: [], deviceTokens: [] });
    expect(accounts.users.get('gw')).toMatchObject({ role: 'grid', gridWorkerId: 'gw-026' });

    writeFileSync(
      file,
      JSON.stringify({
        users: [
          user('gw', { role: 'grid' }),
          user('pt', { role: 'patrol', patrolId: 'pt-01', departmentId: 'dept-city-management' }),
          user('duty', { role: 'duty', gridWorkerId: 'gw-026' }),
        ],
      }),
    );
    const err = (() => {
      try {
        loadConfig({ CONFIG_FILE: file, DEMO: 'false' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err?.message).toContain('users.0.gridWorkerId: required for role grid');
    expect(err?.message).toContain('users.1.departmentId: only for role department');
    expect(err?.message).toContain('users.2.gridWorkerId: only for role grid');
  });

  it('refuses to start outside demo mode while a demo password or key is configured', () => {
    const dir = mkdtempSync(join(tmpdir(), 'citybrain-config-'));
    const file = join(dir, 'config.json');
    writeFileSync(
      file,
      JSON.stringify({
        users: [
          {
            username: 'duty',
            name: '值班员',
            role: 'duty',
            passwordHash: hashPassword(DEMO_PASSWORD, 1024),
          },
        ],
      }),
    );
    expect(() => refuseDemoCredentials(loadConfig({ CONFIG_FILE: file, DEMO: 'false' }))).toThrow(
      /user duty has the demo password/,
    );
    expect(() =>
      refuseDemoCredentials(loadConfig({ DEMO: 'false', INGEST_KEY: DEMO_INGEST_KEY })),
    ).toThrow(/ingest key env is the demo key/);
    writeFileSync(
      file,
      JSON.stringify({
        users: [
          {
            username: 'duty',
            name: '值班员',
            role: 'duty',
            passwordHash: hashPassword('a-real-secret', 1024),
          },
        ],
      }),
    );
    const real = refuseDemoCredentials(
      loadConfig({ CONFIG_FILE: file, DEMO: 'false', INGEST_KEY: 'a-real-ingest-key' }),
    );
    expect(real.users).toHaveLength(1);
    expect(real.deviceTokens).toEqual([]);
  });
});
