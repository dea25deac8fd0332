import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { IdSchema, RoleSchema, type Role } from '../../shared/index.js';
import { ConfigError, WallTitleSchema, type Config } from '../config.js';
import { bindingIssues, isUnboundRole, UNBOUND_ROLE_MESSAGE } from './bindings.js';
import { PASSWORD_HASH_PATTERN } from './passwords.js';

/**
 * The accounts a centre manages itself with `npm run user`, in one JSON file the server reloads
 * while it runs. Integration keys and wall tokens are kept only as SHA-256 hashes (base64url): the
 * file holds no usable secret besides the scrypt hashes of passwords.
 */

/** SHA-256, base64url: how keys, wall tokens and session tokens are stored and compared. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/** Where the accounts file of a config lives. */
export function accountsPath(config: Config): string {
  return config.accountsFile ?? join(config.dataDir, 'accounts.json');
}

/** SHA-256, base64url without padding: 43 characters. */
const Sha256Schema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a SHA-256 hash, base64url');
/** Letters (Chinese too), digits and . _ @ - : what a login name needs, nothing to escape. */
export const UsernameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{N}._@-]+$/u, 'use letters, digits and . _ @ - only');
const NameSchema = z.string().trim().min(1).max(100);

export const AccountUserSchema = z
  .object({
    username: UsernameSchema,
    name: NameSchema,
    role: RoleSchema,
    passwordHash: z.string().regex(PASSWORD_HASH_PATTERN, 'must be scrypt:N:salt:hash'),
    disabled: z.boolean().optional(),
    /** The department a `department` user acts for. */
    departmentId: IdSchema.optional(),
    /** The grid worker (网格员) a `grid` user's phone is. */
    gridWorkerId: IdSchema.optional(),
    /** The patrol team a `patrol` user's phone is. */
    patrolId: IdSchema.optional(),
    /** The sub-centre (a district's, street's or community's region) the user works for. */
    regionId: IdSchema.optional(),
  })
  .strict()
  .superRefine((u, ctx) => {
    for (const { binding, message } of bindingIssues(u))
      ctx.addIssue({ code: 'custom', path: [binding], message });
  });
export type AccountUser = z.infer<typeof AccountUserSchema>;

const AccountsFileSchema = z
  .object({
    users: z.array(AccountUserSchema).default([]),
    ingestKeys: z.array(z.object({ name: NameSchema, keyHash: Sha256Schema }).strict()).default([]),
    deviceTokens: z
      .array(
        z
          .object({
            name: NameSchema,
            title: WallTitleSchema.optional(),
            tokenHash: Sha256Schema,
            role: RoleSchema.refine(isUnboundRole, UNBOUND_ROLE_MESSAGE),
            regionId: IdSchema.optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict()
  .superRefine((file, ctx) => {
    const unique = (list: { [k: string]: unknown }[], list_: string, key: string) => {
      const seen = new Set<unknown>();
      list.forEach((item, i) => {
        if (seen.has(item[key]))
          ctx.addIssue({
            code: 'custom',
            path: [list_, i, key],
            message: `duplicate ${item[key]}`,
          });
        seen.add(item[key]);
      });
    };
    unique(file.users, 'users', 'username');
    unique(file.ingestKeys, 'ingestKeys', 'name');
    unique(file.ingestKeys, 'ingestKeys', 'keyHash');
    unique(file.deviceTokens, 'deviceTokens', 'name');
    unique(file.deviceTokens, 'deviceTokens', 'tokenHash');
  });

export interface AccountsFile {
  users: AccountUser[];
  ingestKeys: { name: string; keyHash: string }[];
  deviceTokens: DeviceToken[];
}

/** A wall's token as kept: its name (the key), the title screens show, the hash, role and area. */
export interface DeviceToken {
  name: string;
  title?: string;
  tokenHash: string;
  role: Role;
  regionId?: string;
}

export function emptyAccounts(): AccountsFile {
  return { users: [], ingestKeys: [], deviceTokens: [] };
}

/**
 * The accounts in `path`; a missing file holds none. Invalid JSON or a bad field throws a
 * ConfigError naming the file and the field.
 */
export function readAccountsFile(path: string): AccountsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyAccounts();
    throw new ConfigError(`accounts file ${path}: cannot read it: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`accounts file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = AccountsFileSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid accounts file ${path}:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/**
 * Replaces the file at once: a temporary file in the same folder, written, flushed to disk, then
 * renamed over it, so the server (and a crash) only ever sees the old file or the new one.
 * Readable by its owner only.
 */
export function writeAccountsFile(path: string, accounts: AccountsFile): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  let written = false;
  try {
    writeFileSync(fd, `${JSON.stringify(accounts, null, 2)}\n`);
    fsyncSync(fd);
    written = true;
  } finally {
    closeSync(fd);
    if (!written) rmSync(temp, { force: true });
  }
  try {
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  // The rename itself is durable once the folder is flushed (not possible everywhere).
  try {
    const dirFd = openSync(dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // Windows cannot open a folder; the rename still happened.
  }
}
