import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import { accountsPath, hashSecret, readAccountsFile, type AccountsFile } from './accounts-file.js';
import { hashPassword, verifyPassword } from './passwords.js';

/** The demo's published credentials (README). Outside the demo none of them may be in use. */
export const DEMO_PASSWORD = 'citybrain-demo';
export const DEMO_INGEST_KEY = 'demo-ingest-key';
export const DEMO_WALL_TOKEN = 'demo-wall-device-token';
/** 滨江街道's own wall: it shows the street, and obeys the street and the city. */
export const DEMO_STREET_WALL_TOKEN = 'demo-street-wall-device-token';

const DEMO_USERS = [
  { username: 'duty', name: '值班员 李明', role: 'duty' },
  { username: 'operator', name: '大屏操作员 王芳', role: 'operator' },
  { username: 'leader', name: '指挥中心 张主任', role: 'leader' },
  { username: 'admin', name: '安全审计员 赵敏', role: 'admin' },
  // Bound to the demo city's own records (fixtures/city/), so each sees its side of the loop:
  // the grid worker of grid d01-s01-c07-g06, a handling department, a patrol team.
  { username: 'grid', name: '网格员 李碧珊', role: 'grid', gridWorkerId: 'gw-026' },
  {
    username: 'dept',
    name: '城管执法局 值班',
    role: 'department',
    departmentId: 'dept-city-management',
  },
  { username: 'patrol', name: '滨江派出所巡逻组', role: 'patrol', patrolId: 'pt-01' },
  // Sub-centres (五级联动): 滨江街道 and, inside it, 凤凰社区, each with its own desk.
  { username: 'street', name: '滨江街道综治中心 陈静', role: 'duty', regionId: 'd01-s01' },
  { username: 'community', name: '凤凰社区综治中心 黄伟', role: 'duty', regionId: 'd01-s01-c07' },
] as const;

let demoUserCache: Config['users'] | undefined;

/**
 * The demo users, hashed once per process at a low cost: their password is public anyway. The
 * salt is fixed so the hash, and the sessions opened with it, outlive a restart.
 */
export function demoUsers(): Config['users'] {
  if (demoUserCache) return demoUserCache;
  const passwordHash = hashPassword(DEMO_PASSWORD, 1024, Buffer.from('city-brain-demo!'));
  return (demoUserCache = DEMO_USERS.map((u) => ({ ...u, passwordHash })));
}

export function demoIngestKeys(): Config['ingestKeys'] {
  return [{ name: 'demo', key: DEMO_INGEST_KEY }];
}

export function demoDeviceTokens(): Config['deviceTokens'] {
  return [
    { name: 'demo-wall', title: '指挥大厅主屏', token: DEMO_WALL_TOKEN, role: 'operator' },
    {
      name: 'binjiang-wall',
      title: '滨江街道大屏',
      token: DEMO_STREET_WALL_TOKEN,
      role: 'operator',
      regionId: 'd01-s01',
    },
  ];
}

/**
 * The accounts file's keys and wall tokens that are the demo's (hashes compared), refused
 * outside demo mode at start and on every reload. Its users' passwords are checked at login
 * instead (auth.ts).
 */
export function demoOffendersInFile(file: AccountsFile): string[] {
  return [
    ...file.ingestKeys
      .filter((k) => k.keyHash === hashSecret(DEMO_INGEST_KEY))
      .map((k) => `ingest key ${k.name} is the demo key`),
    ...file.deviceTokens
      .filter((t) =>
        [DEMO_WALL_TOKEN, DEMO_STREET_WALL_TOKEN].some((d) => t.tokenHash === hashSecret(d)),
      )
      .map((t) => `device token ${t.name} is the demo token`),
  ];
}

/**
 * Outside the demo, refuses to start while any of the demo's published credentials is
 * configured, in the config or the accounts file; a bad accounts file stops the start too. In
 * the demo nothing is filled in here: the live accounts add the demo's where neither names any
 * of that kind (mergeAccounts in accounts.ts).
 */
export function refuseDemoCredentials(config: Config): Config {
  if (config.demo) return config;
  const file = readAccountsFile(accountsPath(config));
  const offenders = [
    // The accounts file's users are not checked here: a centre may have hundreds, each check
    // costs a quarter of a second, and the CLI refuses the demo password. A login with it is
    // refused outside demo mode instead (auth.ts).
    ...config.users
      .filter((u) => verifyPassword(DEMO_PASSWORD, u.passwordHash))
      .map((u) => `user ${u.username} has the demo password`),
    ...config.ingestKeys
      .filter((k) => k.key === DEMO_INGEST_KEY)
      .map((k) => `ingest key ${k.name} is the demo key`),
    ...config.deviceTokens
      .filter((t) => t.token === DEMO_WALL_TOKEN || t.token === DEMO_STREET_WALL_TOKEN)
      .map((t) => `device token ${t.name} is the demo token`),
    ...demoOffendersInFile(file),
  ];
  if (offenders.length) {
    throw new ConfigError(`refusing to start outside demo mode:\n  ${offenders.join('\n  ')}`);
  }
  return config;
}
