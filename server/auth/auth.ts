import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Actor, Role } from '../../shared/index.js';
import type { Config } from '../config.js';
import type { Store } from '../store/store.js';
import { verifyPassword } from './passwords.js';

export interface Principal extends Actor {
  role: Role;
  /** The session token's hash, for logout; absent for device tokens. */
  sessionHash?: string;
}

export class AuthError extends Error {}

/** Logins, session tokens, wall device tokens and integration keys. */
export class Auth {
  constructor(
    private readonly config: Config,
    private readonly store: Store,
  ) {}

  async login(
    username: string,
    password: string,
  ): Promise<{ token: string; role: Role; name: string; expiresAt: string }> {
    const user = this.config.users.find((u) => u.username === username);
    // Hash even for an unknown user, so timing does not tell which usernames exist.
    const ok = verifyPassword(password, user?.passwordHash ?? DUMMY_HASH) && user !== undefined;
    if (!ok || !user) throw new AuthError('wrong username or password');
    const token = randomBytes(32).toString('base64url');
    const expiresAt = Date.now() + this.config.sessionTtlHours * 3_600_000;
    await this.store.putSession(hashToken(token), {
      username: user.username,
      name: user.name,
      role: user.role,
      expiresAt,
    });
    return {
      token,
      role: user.role,
      name: user.name,
      expiresAt: new Date(expiresAt).toISOString(),
    };
  }

  async logout(principal: Principal): Promise<void> {
    if (principal.sessionHash) await this.store.deleteSession(principal.sessionHash);
  }

  /** The principal behind a bearer token (session or wall device), or undefined. */
  async authenticate(token: string | undefined): Promise<Principal | undefined> {
    if (!token) return undefined;
    const device = this.config.deviceTokens.find((d) => safeEqual(d.token, token));
    if (device) return { id: `device:${device.name}`, name: device.name, role: device.role };
    const sessionHash = hashToken(token);
    const session = await this.store.getSession(sessionHash);
    if (!session || session.expiresAt < Date.now()) return undefined;
    return { id: session.username, name: session.name, role: session.role, sessionHash };
  }

  /** The integration behind an ingest key, or undefined. */
  integration(key: string | undefined): string | undefined {
    if (!key) return undefined;
    return this.config.ingestKeys.find((k) => safeEqual(k.key, key))?.name;
  }
}

const DUMMY_HASH =
  'scrypt:1024:AAAAAAAAAAAAAAAAAAAAAA==:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Reads `Authorization: Bearer <token>`. */
export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m?.[1];
}
