import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AttachmentInfoSchema, type AttachmentInfo } from '../../shared/index.js';

/** Infos kept in memory for `links`, which is synchronous and asked for on every incident read. */
const MAX_CACHED = 10_000;

const ID = /^[0-9a-f]{64}$/;
/** Whether this is an id of ours: anything else never reaches a path. */
export const isId = (id: unknown): id is string => typeof id === 'string' && ID.test(id);

const EXTENSIONS: Record<AttachmentInfo['type'], string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
};

export type Variant = 'full' | 'thumb';

/**
 * Photos on disk by the SHA-256 of their stored bytes, fanned out by its first two hex digits:
 * `ab/<id>.jpg`, `ab/<id>.thumb.jpg` and `ab/<id>.json` (the info). The info is written last,
 * and only its presence counts a photo as stored. `orig/ab/<sha>.id` maps the SHA-256 of an
 * uploaded original to the id it became, so a retried upload is found without converting again.
 */
export class PhotoStore {
  private readonly cache = new Map<string, AttachmentInfo>();

  constructor(private readonly dir: string) {}

  has(id: string): boolean {
    return isId(id) && (this.cache.has(id) || existsSync(this.infoPath(id)));
  }

  /** A stored photo's info; undefined for an unknown id or an unreadable info file. */
  info(id: string): AttachmentInfo | undefined {
    if (!isId(id)) return undefined;
    const cached = this.cache.get(id);
    if (cached) return cached;
    let text: string;
    try {
      text = readFileSync(this.infoPath(id), 'utf8');
    } catch {
      return undefined;
    }
    const parsed = AttachmentInfoSchema.safeParse(safeJson(text));
    if (!parsed.success || parsed.data.id !== id) return undefined;
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(id, parsed.data);
    return parsed.data;
  }

  /** Where a variant of a stored photo is, and its type; undefined if not stored. */
  file(id: string, variant: Variant): { path: string; type: AttachmentInfo['type'] } | undefined {
    const info = this.info(id);
    if (!info) return undefined;
    return variant === 'thumb'
      ? { path: this.base(id) + '.thumb.jpg', type: 'image/jpeg' }
      : { path: `${this.base(id)}.${EXTENSIONS[info.type]}`, type: info.type };
  }

  /** Stores a photo unless it is already; false when it was. */
  async put(info: AttachmentInfo, image: Buffer, thumb: Buffer): Promise<boolean> {
    if (!isId(info.id)) throw new Error('not an attachment id');
    if (this.has(info.id)) return false;
    await mkdir(dirname(this.infoPath(info.id)), { recursive: true });
    await writeAtomic(`${this.base(info.id)}.${EXTENSIONS[info.type]}`, image);
    await writeAtomic(`${this.base(info.id)}.thumb.jpg`, thumb);
    await writeAtomic(this.infoPath(info.id), JSON.stringify(info));
    // The directory entries too: an incident will name this id once the answer is out.
    await syncDir(dirname(this.infoPath(info.id)));
    return true;
  }

  /** The id an original (by its SHA-256) was stored as, if it was and still is. */
  async byOriginal(originalSha: string): Promise<string | undefined> {
    if (!isId(originalSha)) return undefined;
    const id = await readFile(this.originalPath(originalSha), 'utf8').catch(() => undefined);
    return isId(id) && this.has(id) ? id : undefined;
  }

  async rememberOriginal(originalSha: string, id: string): Promise<void> {
    if (!isId(originalSha) || !isId(id)) return;
    const path = this.originalPath(originalSha);
    await mkdir(dirname(path), { recursive: true });
    await writeAtomic(path, id);
  }

  private base(id: string): string {
    return join(this.dir, id.slice(0, 2), id);
  }

  private infoPath(id: string): string {
    return this.base(id) + '.json';
  }

  private originalPath(sha: string): string {
    return join(this.dir, 'orig', sha.slice(0, 2), `${sha}.id`);
  }
}

/**
 * Writes to a temporary name beside the file, flushes, then renames: a crash leaves either the
 * whole file or none under its name (a stray `.tmp` at worst, which nothing reads).
 */
async function writeAtomic(path: string, data: Buffer | string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const file = await open(tmp, 'wx', 0o640);
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

async function syncDir(path: string): Promise<void> {
  const dir = await open(path, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
