import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Actor, Role } from '../../shared/index.js';
import type { Config } from '../config.js';
import type { Store } from '../store/store.js';
import { hashSecret } from './accounts-file.js';
import { LiveAccounts, type EndedAccess } from './accounts.js';
import { DEMO_PASSWORD } from './demo-credentials.js';
import { checkPassword, PASSWORD_COST } from './passwords.js';

export interface Principal extends Actor {
  role: Role;
  /** The session token's hash, for logout; absent for device tokens. */
  sessionHash?: string;
  /** A wall device's token hash, so its sockets can be ended when the token is removed. */
  deviceTokenHash?: string;
  /** The department a `department` user acts for. */
  departmentId?: string;
}

export class AuthError extends Error {}

/**
 * Logins, session tokens, wall device tokens and integration keys, checked against the live
 * accounts (config and accounts file, reloaded while the server runs).
 */
export class Auth {
  readonly accounts: LiveAccounts;
  private readonly internalKeys = new Map<string, string>();
  private readonly ended = new Set<(ended: EndedAccess) => void>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly config: Config,
    private readonly store: Store,
    accounts?: LiveAccounts,
  ) {
    this.accounts = accounts ?? new LiveAccounts(config);
    this.unsubscribe = this.accounts.onEnded((ended) => void this.endAccess(ended));
    this.accounts.watch();
  }

  /** Stops watching the accounts file and SIGHUP. */
  close(): void {
    this.unsubscribe();
    this.accounts.close();
  }

  /**
   * Calls `listener` when a reload ends someone's access (the hub drops their sockets); their
   * sessions are deleted here. Returns the unsubscribe.
   */
  onAccessEnded(listener: (ended: EndedAccess) => void): () => void {
    this.ended.add(listener);
    return () => this.ended.delete(listener);
  }

  async login(
    username: string,
    password: string,
  ): Promise<{ token: string; role: Role; name: string; expiresAt: string }> {
    const user = this.accounts.current.users.get(username);
    // Hash even for an unknown user, so timing does not tell which usernames exist.
    const ok = (await checkPassword(password, user?.passwordHash ?? DUMMY_HASH)) && !!user;
    if (!ok || !user) throw new AuthError('wrong username or password');
    // Said only to whoever knows the password.
    if (user.disabled) throw new AuthError('this account is disabled');
    // The demo's published password never opens a centre's account, however it got there.
    if (!this.config.demo && password === DEMO_PASSWORD)
      throw new AuthError(
        'this account has the demo password: set another with npm run user -- passwd <username>',
      );
    // The accounts may have been reloaded while the password was being checked.
    const now = this.accounts.current.users.get(username);
    if (!now || now.disabled || now.passwordHash !== user.passwordHash || now.role !== user.role)
      throw new AuthError('wrong username or password');
    const token = randomBytes(32).toString('base64url');
    const expiresAt = Date.now() + this.config.sessionTtlHours * 3_600_000;
    await this.store.putSession(hashSecret(token), {
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
    const tokenHash = hashSecret(token);
    const device = this.accounts.current.deviceTokens.find((d) =>
      safeEqual(d.tokenHash, tokenHash),
    );
    if (device)
      return {
        id: `device:${device.name}`,
        name: device.name,
        role: device.role,
        deviceTokenHash: device.tokenHash,
      };
    const session = await this.store.getSession(tokenHash);
    if (!session || session.expiresAt < Date.now()) return undefined;
    // A session outlives no change to its user: one made while the server was down included.
    const user = this.accounts.current.users.get(session.username);
    if (!user || user.disabled || user.role !== session.role) {
      await this.store.deleteSession(tokenHash);
      return undefined;
    }
    return {
      id: user.username,
      name: user.name,
      role: user.role,
      sessionHash: tokenHash,
      ...(user.departmentId ? { departmentId: user.departmentId } : {}),
    };
  }

  /** The integration behind an ingest key, or undefined. */
  integration(key: string | undefined): string | undefined {
    if (!key) return undefined;
    const keyHash = hashSecret(key);
    return (
      this.internalKeys.get(keyHash) ??
      this.accounts.current.ingestKeys.find((k) => safeEqual(k.keyHash, keyHash))?.name
    );
  }

  /**
   * A key for a part of this process that posts through the public intake like an integration
   * (the demo simulator): random, held in memory only, never in the accounts, so no change to
   * the accounts file takes it away and nothing outside the process can know it.
   */
  internalKey(name: string): string {
    const key = randomBytes(32).toString('base64url');
    this.internalKeys.set(hashSecret(key), name);
    return key;
  }

  /** Deletes the sessions of those whose access ended, and tells the listeners (the hub). */
  private async endAccess(ended: EndedAccess): Promise<void> {
    for (const listener of this.ended) listener(ended);
    try {
      for (const username of ended.usernames) await this.store.deleteSessionsOf(username);
    } catch (err) {
      console.error('could not delete the sessions of ended accounts', err);
    }
  }
}

/** At the cost of new hashes, so an unknown username takes as long as a known one. */
const DUMMY_HASH = `scrypt:${PASSWORD_COST}:AAAAAAAAAAAAAAAAAAAAAA==:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;

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
