import { existsSync, unwatchFile, watch, watchFile, type FSWatcher, type Stats } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Role } from '../../shared/index.js';
import { ConfigError, type Config } from '../config.js';
import { moduleLog } from '../log.js';
import {
  accountsPath,
  hashSecret,
  readAccountsFile,
  type AccountsFile,
  type DeviceToken,
} from './accounts-file.js';
import { sameBindings } from './bindings.js';
import {
  demoDeviceTokens,
  demoIngestKeys,
  demoOffendersInFile,
  demoUsers,
} from './demo-credentials.js';

export interface LiveUser {
  username: string;
  name: string;
  role: Role;
  passwordHash: string;
  disabled: boolean;
  /** Who the user acts as (ROLE_BINDINGS): only the one its role needs is ever set. */
  departmentId?: string;
  gridWorkerId?: string;
  patrolId?: string;
  /** The sub-centre the user works for; absent: the city's. */
  regionId?: string;
}

/** Everyone who may sign in, post reports or drive a wall, from the config and the file. */
export interface Accounts {
  users: ReadonlyMap<string, LiveUser>;
  ingestKeys: readonly { name: string; keyHash: string }[];
  deviceTokens: readonly DeviceToken[];
  /** Whether these are the demo's published accounts (demo mode with no real ones). */
  demo: boolean;
}

/** Whose access a reload ended: their sessions and sockets must go. */
export interface EndedAccess {
  usernames: string[];
  /** Sessions (their token hashes) ended: logged out, expired, or their user's access ended. */
  sessionHashes?: string[];
  /** Wall device tokens (their hashes) no longer valid, or valid for another role. */
  deviceTokenHashes: string[];
}

/**
 * The config's accounts and the file's together; in demo mode with none of either, the demo's
 * published ones. One real user, key or token and the demo's are all left out: a published
 * password never sits beside a centre's own accounts. A username in both is an error: which one
 * would count?
 */
export function mergeAccounts(config: Config, file: AccountsFile, path = accountsPath(config)) {
  const { users: configUsers, ingestKeys: configKeys, deviceTokens: configTokens } = config;
  const demo = config.demo && !hasRealAccounts(config, file);
  const users = new Map<string, LiveUser>();
  const fromConfig = demo ? demoUsers() : configUsers;
  for (const u of fromConfig) users.set(u.username, { ...u, disabled: false });
  const both: string[] = [];
  for (const u of file.users) {
    if (users.has(u.username)) both.push(u.username);
    users.set(u.username, { ...u, disabled: u.disabled ?? false });
  }
  if (both.length)
    throw new ConfigError(
      `accounts file ${path}: ${both.join(', ')} also in the config's users; keep each user in one place`,
    );
  const keys = demo ? demoIngestKeys() : configKeys;
  const tokens = demo ? demoDeviceTokens() : configTokens;
  return {
    users,
    ingestKeys: [
      ...keys.map((k) => ({ name: k.name, keyHash: hashSecret(k.key) })),
      ...file.ingestKeys,
    ],
    deviceTokens: [
      ...tokens.map((t) => ({
        name: t.name,
        ...(t.title ? { title: t.title } : {}),
        tokenHash: hashSecret(t.token),
        role: t.role,
        ...(t.regionId ? { regionId: t.regionId } : {}),
      })),
      ...file.deviceTokens,
    ],
    demo,
  } satisfies Accounts;
}

/** Whether the config or the accounts file names any user, ingest key or wall token. */
export function hasRealAccounts(config: Config, file: AccountsFile): boolean {
  const lists: readonly (readonly unknown[])[] = [
    config.users,
    config.ingestKeys,
    config.deviceTokens,
    file.users,
    file.ingestKeys,
    file.deviceTokens,
  ];
  return lists.some((list) => list.length > 0);
}

/**
 * Whose access ends going from `before` to `after`: users removed, disabled, given another role
 * or binding (department, grid worker, patrol: a phone handed to another worker must not keep
 * acting as the first), or a new password (a password changed because it leaked must also end the
 * sessions opened with it); wall tokens removed or given another role.
 */
export function endedAccess(before: Accounts, after: Accounts): EndedAccess {
  const usernames: string[] = [];
  for (const [username, was] of before.users) {
    if (was.disabled) continue;
    const now = after.users.get(username);
    if (
      !now ||
      now.disabled ||
      now.role !== was.role ||
      !sameBindings(now, was) ||
      now.passwordHash !== was.passwordHash
    )
      usernames.push(username);
  }
  const tokens = new Map(after.deviceTokens.map((t) => [t.tokenHash, t]));
  const deviceTokenHashes = before.deviceTokens
    .filter((t) => {
      const now = tokens.get(t.tokenHash);
      return now?.role !== t.role || now.regionId !== t.regionId;
    })
    .map((t) => t.tokenHash);
  return { usernames, deviceTokenHashes };
}

/**
 * One SIGHUP listener for the process, however many servers run in it (tests): SIGHUP reloads
 * every watched accounts file.
 */
const hangUpListeners = new Set<() => void>();
const onHangUp = () => {
  for (const listener of hangUpListeners) listener();
};

const accountsLog = moduleLog('accounts');

/** How often the file is polled: robust to editors and renames; fs.watch makes it quicker. */
const POLL_MS = 1_000;
/** Editors write in bursts; one reload after the last event. */
const SETTLE_MS = 50;

/**
 * The accounts as they are now: read at start, reloaded when the file changes (polled every
 * second and watched in its folder) or on SIGHUP. A bad file on reload is logged and the accounts
 * in force stay. Listeners hear whose access a reload ended.
 */
export class LiveAccounts {
  readonly path: string;
  private accounts: Accounts;
  private readonly listeners = new Set<(ended: EndedAccess) => void>();
  private readonly changeListeners = new Set<(changes: AccountChange[]) => void>();
  private reloading: Promise<unknown> = Promise.resolve();
  private watcher: FSWatcher | undefined;
  private settle: NodeJS.Timeout | undefined;
  private watching = false;
  private lastError: string | undefined;

  constructor(
    private readonly config: Config,
    private readonly log: Pick<Console, 'log' | 'error'> = {
      log: (message: string) => accountsLog.info(message),
      error: (message: string, err?: unknown) =>
        err ? accountsLog.error({ err }, message) : accountsLog.error(message),
    },
  ) {
    this.path = accountsPath(config);
    // At start a bad file stops the server, like a bad config.
    this.accounts = mergeAccounts(config, readAccountsFile(this.path), this.path);
  }

  get current(): Accounts {
    return this.accounts;
  }

  /** Calls `listener` with what each reload changed, in words for the audit trail. */
  onChanged(listener: (changes: AccountChange[]) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Calls `listener` after each reload that ended someone's access; returns the unsubscribe. */
  onEnded(listener: (ended: EndedAccess) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Rereads the file; reloads run one after the other. False when the file was refused. */
  reload(why = 'reload'): Promise<boolean> {
    const run = this.reloading.then(() => this.load(why));
    this.reloading = run.catch(() => undefined);
    return run;
  }

  watch(): void {
    if (this.watching) return;
    this.watching = true;
    watchFile(this.path, { interval: POLL_MS, persistent: false }, this.onPoll);
    // Quicker than polling where the platform tells us; the folder, since a rename replaces it.
    const dir = dirname(this.path);
    if (existsSync(dir)) {
      try {
        this.watcher = watch(dir, { persistent: false }, (_event, name) => {
          if (name && name.toString() !== basename(this.path)) return;
          clearTimeout(this.settle);
          this.settle = setTimeout(() => void this.reload('accounts file changed'), SETTLE_MS);
        });
        this.watcher.on('error', () => this.watcher?.close());
      } catch {
        // Polling alone.
      }
    }
    hangUpListeners.add(this.onHangUp);
    if (hangUpListeners.size === 1) process.on('SIGHUP', onHangUp);
  }

  close(): void {
    if (!this.watching) return;
    this.watching = false;
    unwatchFile(this.path, this.onPoll);
    this.watcher?.close();
    clearTimeout(this.settle);
    hangUpListeners.delete(this.onHangUp);
    if (!hangUpListeners.size) process.off('SIGHUP', onHangUp);
  }

  private readonly onPoll = (now: Stats, before: Stats) => {
    if (
      now.mtimeMs !== before.mtimeMs ||
      now.ino !== before.ino ||
      now.size !== before.size ||
      now.nlink !== before.nlink
    )
      void this.reload('accounts file changed');
  };

  private readonly onHangUp = () => void this.reload('SIGHUP');

  private async load(why: string): Promise<boolean> {
    let next: Accounts;
    try {
      const file = readAccountsFile(this.path);
      if (!this.config.demo) {
        const offenders = demoOffendersInFile(file);
        if (offenders.length)
          throw new ConfigError(
            `accounts file ${this.path}: outside demo mode:\n  ${offenders.join('\n  ')}`,
          );
      }
      next = mergeAccounts(this.config, file, this.path);
    } catch (err) {
      const message = err instanceof ConfigError ? err.message : String(err);
      // The folder's watch and the poll often both see one bad write: said once.
      if (message !== this.lastError || why === 'SIGHUP')
        this.log.error(
          `${why}: accounts not reloaded, the previous ones stay in force: ${message}`,
        );
      this.lastError = message;
      return false;
    }
    this.lastError = undefined;
    const before = this.accounts;
    this.accounts = next;
    const ended = endedAccess(before, next);
    if (sameAccounts(before, next)) {
      if (why === 'SIGHUP') this.log.log(`SIGHUP: accounts in ${this.path} unchanged`);
    } else
      this.log.log(
        `${why}: accounts reloaded from ${this.path}: ${count(next.users.size, 'user')}, ${count(next.ingestKeys.length, 'integration key')}, ${count(next.deviceTokens.length, 'wall token')}`,
      );
    const changes = accountChanges(before, next);
    if (changes.length)
      for (const listener of this.changeListeners) {
        try {
          listener(changes);
        } catch (err) {
          this.log.error('telling of an accounts change failed', err);
        }
      }
    if (ended.usernames.length || ended.deviceTokenHashes.length) {
      for (const listener of this.listeners) {
        try {
          listener(ended);
        } catch (err) {
          this.log.error('ending access after a reload failed', err);
        }
      }
    }
    return true;
  }
}

/** One change of a user, an integration key or a wall token, never with a secret or its hash. */
export interface AccountChange {
  kind: 'user' | 'ingest-key' | 'wall-token';
  name: string;
  change:
    | 'added'
    | 'removed'
    | 'disabled'
    | 'enabled'
    | 'password'
    | 'role'
    | 'department'
    | 'grid-worker'
    | 'patrol';
}

/** What a reload changed, for the audit trail. */
export function accountChanges(before: Accounts, after: Accounts): AccountChange[] {
  const changes: AccountChange[] = [];
  const user = (name: string, change: AccountChange['change']) =>
    changes.push({ kind: 'user', name, change });
  for (const [name, was] of before.users) {
    const now = after.users.get(name);
    if (!now) {
      user(name, 'removed');
      continue;
    }
    if (now.disabled !== was.disabled) user(name, now.disabled ? 'disabled' : 'enabled');
    if (now.passwordHash !== was.passwordHash) user(name, 'password');
    if (now.role !== was.role) user(name, 'role');
    if (now.departmentId !== was.departmentId) user(name, 'department');
    if (now.gridWorkerId !== was.gridWorkerId) user(name, 'grid-worker');
    if (now.patrolId !== was.patrolId) user(name, 'patrol');
  }
  for (const name of after.users.keys()) if (!before.users.has(name)) user(name, 'added');
  const keyed = <T extends { name: string }>(
    kind: AccountChange['kind'],
    a: readonly T[],
    b: readonly T[],
    same: (x: T, y: T) => boolean,
  ) => {
    for (const x of a)
      if (!b.some((y) => same(x, y))) changes.push({ kind, name: x.name, change: 'removed' });
    for (const y of b)
      if (!a.some((x) => same(x, y))) changes.push({ kind, name: y.name, change: 'added' });
  };
  keyed('ingest-key', before.ingestKeys, after.ingestKeys, (x, y) => x.keyHash === y.keyHash);
  keyed(
    'wall-token',
    before.deviceTokens,
    after.deviceTokens,
    (x, y) => x.tokenHash === y.tokenHash && x.role === y.role,
  );
  return changes;
}

function sameAccounts(a: Accounts, b: Accounts): boolean {
  const plain = (x: Accounts) =>
    JSON.stringify([[...x.users.values()], x.ingestKeys, x.deviceTokens]);
  return plain(a) === plain(b);
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
