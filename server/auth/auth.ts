import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Actor, Role } from '../../shared/index.js';
import type { Config } from '../config.js';
import { NO_AUDIT, type AuditTrail } from '../audit/audit.js';
import { moduleLog } from '../log.js';
import type { Store } from '../store/store.js';
import { hashSecret } from './accounts-file.js';
import { LiveAccounts, type EndedAccess, type LiveUser } from './accounts.js';
import { bindingsOf, sameBindings, type Bindings } from './bindings.js';
import { DEMO_PASSWORD } from './demo-credentials.js';
import { LoginThrottle } from './login-throttle.js';
import { checkPassword, PASSWORD_COST } from './passwords.js';

export interface Principal extends Actor {
  role: Role;
  /** The session token's hash, for logout; absent for device tokens. */
  sessionHash?: string;
  /** When the session ends (ms); absent for device tokens. */
  expiresAt?: number;
  /** A wall device's token hash, so its sockets can be ended when the token is removed. */
  deviceTokenHash?: string;
  /** A wall device's name: its key in pushes and tour plans (`name` is what screens call it). */
  wall?: string;
  /**
   * Who the user acts as (ROLE_BINDINGS), from the live accounts: the department of a
   * `department` user, the grid worker of a `grid` user's phone, the patrol of a `patrol` user's
   * phone. What a user may touch is decided from these, never from what a request says.
   */
  departmentId?: string;
  gridWorkerId?: string;
  patrolId?: string;
}

/** Why a login was refused, with a stable code for the screen. */
export class AuthError extends Error {
  constructor(
    readonly code:
      'login_failed' | 'account_disabled' | 'demo_password_refused' | 'login_throttled',
    message: string,
    /** For `login_throttled`: seconds until another try is taken. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

const log = moduleLog('auth');

/** Password checks at once, across all logins; libuv's pool has four threads by default. */
const MAX_HASHING = 8;

/** Expired sessions are looked for this often, so their sockets go within about a second. */
const SWEEP_MS = 500;

/**
 * Logins, session tokens, wall device tokens and integration keys, checked against the live
 * accounts (config and accounts file, reloaded while the server runs). Every end of access
 * (logout, expiry, a user disabled or changed, a wall token removed) is told to the listeners,
 * which drop that access's sockets and stream URLs.
 */
export class Auth {
  readonly accounts: LiveAccounts;
  private readonly internalKeys = new Map<string, string>();
  private readonly ended = new Set<(ended: EndedAccess) => void>();
  private readonly unsubscribe: (() => void)[];
  private readonly throttle: LoginThrottle;
  /** Password checks in flight. */
  private hashing = 0;
  /** Sessions in use since this process started, with their expiry, for the sweep. */
  private readonly live = new Map<string, { username: string; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;
  private audit: AuditTrail = NO_AUDIT;

  constructor(
    private readonly config: Config,
    private readonly store: Store,
    accounts?: LiveAccounts,
  ) {
    this.accounts = accounts ?? new LiveAccounts(config);
    this.throttle = new LoginThrottle(config.login);
    this.unsubscribe = [
      this.accounts.onEnded((ended) => void this.endAccess(ended)),
      this.accounts.onChanged((changes) => {
        for (const { kind, name, change } of changes)
          this.audit.record({
            action: 'accounts.changed',
            target: `${kind}:${name}`,
            detail: { change },
          });
      }),
    ];
    this.accounts.watch();
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  /** Where logins, logouts, ended sessions and account changes are recorded. */
  auditTo(audit: AuditTrail): void {
    this.audit = audit;
  }

  /** Stops watching the accounts file and SIGHUP. */
  close(): void {
    for (const stop of this.unsubscribe) stop();
    clearInterval(this.sweeper);
    this.accounts.close();
  }

  /**
   * Calls `listener` whenever access ends (the hub drops the sockets, the streams their URLs);
   * the sessions are deleted here. Returns the unsubscribe.
   */
  onAccessEnded(listener: (ended: EndedAccess) => void): () => void {
    this.ended.add(listener);
    return () => this.ended.delete(listener);
  }

  /** Checks a password and opens a session, or throws an AuthError saying why not. */
  async login(
    username: string,
    password: string,
    address = 'unknown',
  ): Promise<{ token: string; role: Role; name: string; expiresAt: string } & Bindings> {
    // A refusal is recorded, except attempts that meet a lock already set: those cost nothing
    // to send, and a flood of them must not flood the trail. The lock itself is recorded once.
    const refuse = (err: AuthError, record = true): never => {
      if (!record) throw err;
      if (err.code === 'login_throttled')
        log.warn(
          { username, address, retryAfterSeconds: err.retryAfterSeconds },
          'login throttled',
        );
      this.audit.record({
        action: err.code === 'login_throttled' ? 'login.throttled' : 'login.failed',
        actor: username,
        address,
        outcome: 'refused',
        detail: {
          code: err.code,
          ...(err.retryAfterSeconds ? { retryAfterSeconds: err.retryAfterSeconds } : {}),
        },
      });
      throw err;
    };
    const { wait, locked } = await this.throttle.begin(username, address);
    // A locked unknown name reads like a locked known one.
    if (wait) refuse(throttled(wait), locked);
    // Each check takes 128 MiB and a thread of libuv's pool for a quarter of a second: a burst
    // beyond a few at once waits a second rather than starve the pool's other work.
    if (this.hashing >= MAX_HASHING) refuse(throttled(1), false);
    const user = this.accounts.current.users.get(username);
    this.hashing++;
    let ok: boolean;
    try {
      // Hash even for an unknown user, so timing does not tell which usernames exist.
      ok = (await checkPassword(password, user?.passwordHash ?? DUMMY_HASH)) && !!user;
    } finally {
      this.hashing--;
    }
    if (!ok || !user) refuse(new AuthError('login_failed', 'wrong username or password'));
    const known = user!;
    // Said only to whoever knows the password.
    if (known.disabled) refuse(new AuthError('account_disabled', 'this account is disabled'));
    // The demo's published password never opens a centre's account, however it got there.
    if (!this.config.demo && password === DEMO_PASSWORD)
      refuse(
        new AuthError(
          'demo_password_refused',
          'this account has the demo password: set another with npm run user -- passwd <username>',
        ),
      );
    // The accounts may have been reloaded while the password was being checked.
    const now = this.accounts.current.users.get(username);
    if (
      !now ||
      now.disabled ||
      now.passwordHash !== known.passwordHash ||
      now.role !== known.role ||
      !sameBindings(now, known)
    )
      refuse(new AuthError('login_failed', 'wrong username or password'));
    await this.throttle.succeeded(username, address);
    const token = randomBytes(32).toString('base64url');
    const tokenHash = hashSecret(token);
    const expiresAt = Date.now() + this.config.sessionTtlHours * 3_600_000;
    await this.store.putSession(tokenHash, {
      username: known.username,
      name: known.name,
      role: known.role,
      expiresAt,
      credential: credentialOf(known),
    });
    this.live.set(tokenHash, { username: known.username, expiresAt });
    this.audit.record({ action: 'login', actor: known.username, actorRole: known.role, address });
    // The phone's screen needs to know whose worker or patrol it is (the server decides by the
    // same binding, from the accounts, whatever the screen sends back).
    return {
      token,
      role: known.role,
      name: known.name,
      expiresAt: new Date(expiresAt).toISOString(),
      ...bindingsOf(known),
    };
  }

  async logout(principal: Principal, address?: string): Promise<void> {
    const { sessionHash } = principal;
    if (!sessionHash) return;
    await this.store.deleteSession(sessionHash);
    this.live.delete(sessionHash);
    this.audit.record({
      action: 'logout',
      actor: principal.id,
      actorRole: principal.role,
      ...(address ? { address } : {}),
    });
    this.tell({ usernames: [], deviceTokenHashes: [], sessionHashes: [sessionHash] });
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
        name: device.title ?? device.name,
        wall: device.name,
        role: device.role,
        deviceTokenHash: device.tokenHash,
        ...(device.regionId ? { regionId: device.regionId } : {}),
      };
    const session = await this.store.getSession(tokenHash);
    if (!session || session.expiresAt < Date.now()) return undefined;
    // A session outlives no change to its user: one made while the server was down included.
    const user = this.accounts.current.users.get(session.username);
    if (
      !user ||
      user.disabled ||
      user.role !== session.role ||
      session.credential !== credentialOf(user)
    ) {
      await this.store.deleteSession(tokenHash);
      this.live.delete(tokenHash);
      // Its sockets and stream URLs go too (a change made while the server was down).
      this.tell({ usernames: [], deviceTokenHashes: [], sessionHashes: [tokenHash] });
      return undefined;
    }
    this.live.set(tokenHash, { username: user.username, expiresAt: session.expiresAt });
    return {
      id: user.username,
      name: user.name,
      role: user.role,
      sessionHash: tokenHash,
      expiresAt: session.expiresAt,
      ...bindingsOf(user),
    };
  }

  /**
   * Whether a principal found earlier still stands: its session not ended or expired, its user
   * or wall token unchanged. From memory, for every socket command.
   */
  stillValid(principal: Principal): boolean {
    const { current } = this.accounts;
    if (principal.deviceTokenHash)
      return current.deviceTokens.some(
        (d) =>
          d.tokenHash === principal.deviceTokenHash &&
          d.role === principal.role &&
          d.regionId === principal.regionId,
      );
    const session = principal.sessionHash ? this.live.get(principal.sessionHash) : undefined;
    const user = current.users.get(principal.id);
    return (
      !!session &&
      session.expiresAt > Date.now() &&
      !!user &&
      !user.disabled &&
      user.role === principal.role &&
      sameBindings(user, principal)
    );
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

  /** Ends the sessions that expired: their sockets and stream URLs go with them. */
  private sweep(): void {
    const now = Date.now();
    const expired: string[] = [];
    for (const [hash, { username, expiresAt }] of this.live) {
      if (expiresAt > now) continue;
      this.live.delete(hash);
      expired.push(hash);
      this.audit.record({ action: 'session.ended', actor: username, detail: { why: 'expired' } });
    }
    if (!expired.length) return;
    this.tell({ usernames: [], deviceTokenHashes: [], sessionHashes: expired });
    for (const hash of expired)
      this.store.deleteSession(hash).catch((err: unknown) => {
        log.error({ err }, 'could not delete an expired session');
      });
  }

  /** Deletes the sessions of those whose access ended, and tells the listeners. */
  private async endAccess(ended: EndedAccess): Promise<void> {
    const sessionHashes: string[] = [];
    try {
      for (const username of ended.usernames) {
        for (const hash of await this.store.deleteSessionsOf(username)) {
          sessionHashes.push(hash);
          this.live.delete(hash);
        }
        this.audit.record({
          action: 'session.ended',
          actor: username,
          detail: { why: 'account changed' },
        });
      }
    } catch (err) {
      log.error({ err }, 'could not delete the sessions of ended accounts');
    }
    this.tell({ ...ended, sessionHashes: [...(ended.sessionHashes ?? []), ...sessionHashes] });
  }

  private tell(ended: EndedAccess): void {
    for (const listener of this.ended) {
      try {
        listener(ended);
      } catch (err) {
        log.error({ err }, 'ending access failed');
      }
    }
  }
}

function throttled(seconds: number): AuthError {
  return new AuthError(
    'login_throttled',
    `too many failed logins: try again in ${seconds} s`,
    seconds,
  );
}

/**
 * A session's mark of the password and bindings it was opened with; not the hash itself. The
 * sessions table keeps no binding, so a binding changed while the server was down (no reload to
 * see it) must still end the session: this mark changes with it. A user without a binding has
 * the mark it always had, so upgrading ends none of their sessions.
 */
function credentialOf({
  passwordHash,
  ...user
}: Pick<LiveUser, 'passwordHash'> & Bindings): string {
  const bound = Object.entries(bindingsOf(user))
    .map(([binding, id]) => `\n${binding}=${id}`)
    .join('');
  return hashSecret(`credential\n${passwordHash}${bound}`).slice(0, 24);
}

/** At the cost of new hashes, so an unknown username takes as long as a known one. */
const DUMMY_HASH = `scrypt:${PASSWORD_COST}:AAAAAAAAAAAAAAAAAAAAAA==:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The actor an action is recorded under: who, and as which department, grid worker or patrol;
 * never their session.
 */
export function actorFrom(principal: Principal): Actor {
  const { id, name, role } = principal;
  return { id, name, role, ...bindingsOf(principal) };
}

/** Reads `Authorization: Bearer <token>`. */
export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m?.[1];
}
