import { createHash } from 'node:crypto';
import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import { readAccountsFile, type AccountsFile } from './accounts-file.js';
import { hashPassword, verifyPassword } from './passwords.js';

/** The demo's published credentials (README). Outside the demo none of them may be in use. */
export const DEMO_PASSWORD = 'citybrain-demo';
export const DEMO_INGEST_KEY = 'demo-ingest-key';
export const DEMO_WALL_TOKEN = 'demo-wall-device-token';

const DEMO_USERS = [
  { username: 'duty', name: '值班员 李明', role: 'duty' },
  { username: 'operator', name: '大屏操作员 王芳', role: 'operator' },
  { username: 'leader', name: '指挥中心 张主任', role: 'leader' },
] as const;

/** The entries filled in below, so that the live accounts can tell them from configured ones. */
const demoEntries = new WeakSet<object>();
let demoUserCache: Config['users'] | undefined;

function marked<T extends object>(entries: T[]): T[] {
  for (const entry of entries) demoEntries.add(entry);
  return entries;
}

/** Whether a config entry is one of the demo's, filled in because the config named none. */
export function isDemoCredential(entry: object): boolean {
  return demoEntries.has(entry);
}

/** The demo users, hashed once per process at a low cost: their password is public anyway. */
export function demoUsers(): Config['users'] {
  return (demoUserCache ??= marked(
    DEMO_USERS.map((u) => ({ ...u, passwordHash: hashPassword(DEMO_PASSWORD, 1024) })),
  ));
}

export function demoIngestKeys(): Config['ingestKeys'] {
  return marked([{ name: 'demo', key: DEMO_INGEST_KEY }]);
}

export function demoDeviceTokens(): Config['deviceTokens'] {
  return marked([{ name: 'demo-wall', token: DEMO_WALL_TOKEN, role: 'operator' as const }]);
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

/** The accounts file's keys and wall tokens that are the demo's (cheap: hashes compared). */
function fileKeyOffenders(file: AccountsFile): string[] {
  return [
    ...file.ingestKeys
      .filter((k) => k.keyHash === sha256(DEMO_INGEST_KEY))
      .map((k) => `ingest key ${k.name} is the demo key`),
    ...file.deviceTokens
      .filter((t) => t.tokenHash === sha256(DEMO_WALL_TOKEN))
      .map((t) => `device token ${t.name} is the demo token`),
  ];
}

/** Password hashes already checked against the demo password: scrypt is slow on purpose. */
const demoPasswordChecked = new Map<string, boolean>();

/**
 * What in an accounts file is a demo credential, for a reload outside demo mode: its keys and
 * wall tokens (hashes compared). Its users' passwords are checked at login instead (auth.ts).
 */
export function demoOffendersInFile(file: AccountsFile): string[] {
  return fileKeyOffenders(file);
}

function usesDemoPassword(passwordHash: string): boolean {
  let demo = demoPasswordChecked.get(passwordHash);
  if (demo === undefined) {
    demo = verifyPassword(DEMO_PASSWORD, passwordHash);
    demoPasswordChecked.set(passwordHash, demo);
  }
  return demo;
}

/**
 * In the demo, fills in the published accounts and keys where neither the config nor the
 * accounts file names any of that kind; outside it, refuses to start while any of them is still
 * configured in either. A bad accounts file stops the start too.
 */
export function withDemoCredentials(config: Config): Config {
  const file = config.accountsFile
    ? readAccountsFile(config.accountsFile)
    : { users: [], ingestKeys: [], deviceTokens: [] };
  if (!config.demo) {
    const offenders = [
      // The accounts file's users are not checked here: a centre may have hundreds, each check
      // costs a quarter of a second, and the CLI refuses the demo password. A login with it is
      // refused outside demo mode instead (auth.ts).
      ...config.users
        .filter((u) => usesDemoPassword(u.passwordHash))
        .map((u) => `user ${u.username} has the demo password`),
      ...config.ingestKeys
        .filter((k) => k.key === DEMO_INGEST_KEY)
        .map((k) => `ingest key ${k.name} is the demo key`),
      ...config.deviceTokens
        .filter((t) => t.token === DEMO_WALL_TOKEN)
        .map((t) => `device token ${t.name} is the demo token`),
      ...fileKeyOffenders(file),
    ];
    if (offenders.length) {
      throw new ConfigError(`refusing to start outside demo mode:\n  ${offenders.join('\n  ')}`);
    }
    return config;
  }
  return {
    ...config,
    users: config.users.length || file.users.length ? config.users : demoUsers(),
    ingestKeys:
      config.ingestKeys.length || file.ingestKeys.length ? config.ingestKeys : demoIngestKeys(),
    deviceTokens:
      config.deviceTokens.length || file.deviceTokens.length
        ? config.deviceTokens
        : demoDeviceTokens(),
  };
}
