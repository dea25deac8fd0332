import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
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

/**
 * In the demo, fills in the published accounts and keys where the config names none; outside it,
 * refuses to start while any of them is still configured.
 */
export function withDemoCredentials(config: Config): Config {
  if (!config.demo) {
    const offenders = [
      ...config.users
        .filter((u) => verifyPassword(DEMO_PASSWORD, u.passwordHash))
        .map((u) => `user ${u.username} has the demo password`),
      ...config.ingestKeys
        .filter((k) => k.key === DEMO_INGEST_KEY)
        .map((k) => `ingest key ${k.name} is the demo key`),
      ...config.deviceTokens
        .filter((t) => t.token === DEMO_WALL_TOKEN)
        .map((t) => `device token ${t.name} is the demo token`),
    ];
    if (offenders.length) {
      throw new ConfigError(`refusing to start outside demo mode:\n  ${offenders.join('\n  ')}`);
    }
    return config;
  }
  return {
    ...config,
    users: config.users.length
      ? config.users
      : DEMO_USERS.map((u) => ({ ...u, passwordHash: hashPassword(DEMO_PASSWORD, 1024) })),
    ingestKeys: config.ingestKeys.length
      ? config.ingestKeys
      : [{ name: 'demo', key: DEMO_INGEST_KEY }],
    deviceTokens: config.deviceTokens.length
      ? config.deviceTokens
      : [{ name: 'demo-wall', token: DEMO_WALL_TOKEN, role: 'operator' }],
  };
}
