import { randomBytes, scrypt, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * The cost of new hashes: 2^17 with r = 8 takes 128 MiB and about a quarter of a second, which
 * OWASP's guidance asks of scrypt. Stored hashes of any cost keep verifying.
 */
export const PASSWORD_COST = 2 ** 17;
/** Older hashes and the demo's users were made at this cost. */
const LEGACY_COST = 16384;
/** Above this a stored hash is refused rather than computed: 2^20 already takes 1 GiB. */
const MAX_COST = 2 ** 20;
const KEY_LENGTH = 32;
const BLOCK_SIZE = 8;

/** `scrypt:N:salt:hash`, base64 parts: the format the config's and accounts file's users carry. */
export const PASSWORD_HASH_PATTERN = /^scrypt:\d+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/;

/** What scrypt needs for cost N (128·N·r bytes), with room to spare: Node's default is 32 MiB. */
function options(cost: number): ScryptOptions {
  return { N: cost, r: BLOCK_SIZE, p: 1, maxmem: 2 * 128 * cost * BLOCK_SIZE };
}

function parse(stored: string): { cost: number; salt: Buffer; hash: Buffer } | undefined {
  const [kind, cost, salt, hash] = stored.split(':');
  const n = Number(cost);
  if (kind !== 'scrypt' || !salt || !hash) return undefined;
  // scrypt's N is a power of two above 1.
  if (!Number.isInteger(n) || n < 2 || n > MAX_COST || (n & (n - 1)) !== 0) return undefined;
  const expected = Buffer.from(hash, 'base64');
  if (!expected.length) return undefined;
  return { cost: n, salt: Buffer.from(salt, 'base64'), hash: expected };
}

function format(cost: number, salt: Buffer, hash: Buffer): string {
  return `scrypt:${cost}:${salt.toString('base64')}:${hash.toString('base64')}`;
}

function scryptAsync(password: string, salt: Buffer, length: number, cost: number) {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, length, options(cost), (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** A new hash, computed off the event loop: what `npm run user` stores. */
export async function createPasswordHash(password: string, cost = PASSWORD_COST): Promise<string> {
  const salt = randomBytes(16);
  return format(cost, salt, await scryptAsync(password, salt, KEY_LENGTH, cost));
}

/** Checks a password against a stored hash of any cost, off the event loop. */
export async function checkPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const actual = await scryptAsync(password, parsed.salt, parsed.hash.length, parsed.cost);
  return timingSafeEqual(actual, parsed.hash);
}

/**
 * Synchronous hashing, for the demo's users and tests only: it blocks the event loop, and its
 * default cost is the legacy one. New accounts get `createPasswordHash`.
 */
export function hashPassword(
  password: string,
  cost = LEGACY_COST,
  salt: Buffer = randomBytes(16),
): string {
  return format(cost, salt, scryptSync(password, salt, KEY_LENGTH, options(cost)));
}

/** Synchronous check, for the start-up checks only; logins use `checkPassword`. */
export function verifyPassword(password: string, stored: string): boolean {
  const parsed = parse(stored);
  if (!parsed) return false;
  const actual = scryptSync(password, parsed.salt, parsed.hash.length, options(parsed.cost));
  return timingSafeEqual(actual, parsed.hash);
}
