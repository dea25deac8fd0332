import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';

/** What a sealed reference stands for: an upstream URL and how to treat what it answers. */
export interface UpstreamRef {
  url: string;
  /** Sealed in, so a playlist can never be fetched as media and passed on unrewritten. */
  kind: 'playlist' | 'media';
  /** A preload hint: upstream answers when the part exists, so it gets the blocking timeout. */
  blocking: boolean;
}

const KIND_CODES = { playlist: 'p', media: 'm', blocking: 'b' } as const;
const MAX_OPENED = 20_000;

/**
 * Opaque names for upstream URLs. A rewritten playlist names each upstream file by a sealed
 * reference instead of its URL, so the browser never sees an upstream host, path or query and can
 * only ask for files an upstream playlist of the same camera listed. Sealing is deterministic
 * (the nonce is a MAC of the plaintext, as in SIV), so the same file has the same name in every
 * playlist and every process sharing the secret; the GCM tag refuses anything forged or moved to
 * another camera.
 */
export class RefSealer {
  private readonly encKey: Buffer;
  private readonly nonceKey: Buffer;
  /** Names already opened, since every viewer of a camera asks for the same few files. */
  private readonly opened = new Map<string, UpstreamRef>();

  constructor(secret: Buffer) {
    this.encKey = createHmac('sha256', secret).update('stream-ref-enc').digest();
    this.nonceKey = createHmac('sha256', secret).update('stream-ref-nonce').digest();
  }

  seal(cameraId: string, ref: UpstreamRef): string {
    const code = ref.blocking ? KIND_CODES.blocking : KIND_CODES[ref.kind];
    const plain = Buffer.from(`${code}${ref.url}`);
    const nonce = createHmac('sha256', this.nonceKey)
      .update(cameraId)
      .update('\n')
      .update(plain)
      .digest()
      .subarray(0, 12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, nonce);
    cipher.setAAD(Buffer.from(cameraId));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64url');
  }

  open(cameraId: string, sealed: string): UpstreamRef | undefined {
    const key = `${cameraId}/${sealed}`;
    const known = this.opened.get(key);
    if (known) return known;
    const ref = this.decrypt(cameraId, sealed);
    if (ref) {
      if (this.opened.size >= MAX_OPENED) this.opened.clear();
      this.opened.set(key, ref);
    }
    return ref;
  }

  private decrypt(cameraId: string, sealed: string): UpstreamRef | undefined {
    const raw = Buffer.from(sealed, 'base64url');
    if (raw.length < 29) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.encKey, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(cameraId));
      decipher.setAuthTag(raw.subarray(12, 28));
      const plain = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
      const text = plain.toString();
      const code = text[0];
      return {
        url: text.slice(1),
        kind: code === KIND_CODES.playlist ? 'playlist' : 'media',
        blocking: code === KIND_CODES.blocking,
      };
    } catch {
      return undefined;
    }
  }
}
