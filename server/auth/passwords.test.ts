import { describe, expect, it } from 'vitest';
import { checkPassword, createPasswordHash, hashPassword, verifyPassword } from './passwords.js';

describe('passwords', () => {
  it('hashes new passwords with scrypt at 2^17, off the event loop, and checks them', async () => {
    const hash = await createPasswordHash('gu4rd-the-c1ty');
    expect(hash).toMatch(/^scrypt:131072:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(await checkPassword('gu4rd-the-c1ty', hash)).toBe(true);
    expect(await checkPassword('gu4rd-the-c1tY', hash)).toBe(false);
    // The start-up check reads the same hashes (it needs more than Node's default memory).
    expect(verifyPassword('gu4rd-the-c1ty', hash)).toBe(true);
  });

  it('keeps verifying hashes of older costs, and refuses malformed ones', async () => {
    for (const cost of [1024, 16384]) {
      const hash = hashPassword('an-older-secret', cost);
      expect(await checkPassword('an-older-secret', hash)).toBe(true);
      expect(verifyPassword('an-older-secret', hash)).toBe(true);
    }
    for (const bad of ['', 'scrypt:1000:AAAA:AAAA', 'scrypt:1024::', 'bcrypt:10:AAAA:AAAA']) {
      expect(await checkPassword('anything-at-all', bad)).toBe(false);
      expect(verifyPassword('anything-at-all', bad)).toBe(false);
    }
  });
});
