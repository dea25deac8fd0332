import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RefSealer } from './refs.js';

describe('sealed upstream references', () => {
  const sealer = new RefSealer(randomBytes(32));
  const ref = {
    url: 'http://10.20.30.40:8888/cam-0001/seg_17.ts?auth=s3cret',
    kind: 'media' as const,
    blocking: false,
  };

  it('round-trips, and names the same file the same way every time', () => {
    const name = sealer.seal('cam-0001', ref);
    expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(sealer.seal('cam-0001', ref)).toBe(name);
    expect(sealer.open('cam-0001', name)).toEqual(ref);
    const hint = { ...ref, blocking: true };
    expect(sealer.open('cam-0001', sealer.seal('cam-0001', hint))).toEqual(hint);
    const playlist = { ...ref, kind: 'playlist' as const };
    expect(sealer.open('cam-0001', sealer.seal('cam-0001', playlist))).toEqual(playlist);
  });

  it('reveals nothing of the URL', () => {
    const name = sealer.seal('cam-0001', ref);
    const decoded = Buffer.from(name, 'base64url').toString('latin1');
    for (const part of ['10.20.30.40', 'cam-0001', 'seg_17', 's3cret', 'http']) {
      expect(name).not.toContain(part);
      expect(decoded).not.toContain(part);
    }
  });

  it('refuses a name moved to another camera, altered, forged or from another secret', () => {
    const name = sealer.seal('cam-0001', ref);
    expect(sealer.open('cam-0002', name)).toBeUndefined();
    const flipped = Buffer.from(name, 'base64url');
    flipped[flipped.length - 1]! ^= 1;
    expect(sealer.open('cam-0001', flipped.toString('base64url'))).toBeUndefined();
    expect(sealer.open('cam-0001', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBeUndefined();
    expect(sealer.open('cam-0001', 'short')).toBeUndefined();
    expect(new RefSealer(randomBytes(32)).open('cam-0001', name)).toBeUndefined();
  });
});
