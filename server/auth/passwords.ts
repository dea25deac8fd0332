import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

const COST = 16384;
const KEY_LENGTH = 32;

/** `scrypt:N:salt:hash`, base64 parts: the format the config's users carry. */
export function hashPassword(password: string, cost = COST): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, KEY_LENGTH, { N: cost });
  return `scrypt:${cost}:${salt.toString('base64')}:${hash.toString('base64')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [, cost, salt, hash] = stored.split(':');
  if (!cost || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(cost),
  });
  return timingSafeEqual(actual, expected);
}
