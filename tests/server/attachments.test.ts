import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import exifr from 'exifr';
import express from 'express';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../shared/domain/audit.js';
import type { AttachmentInfo, Role } from '../../shared/index.js';
import { createAttachments, type Attachments } from '../../server/attachments/index.js';
import type { Auth } from '../../server/auth/auth.js';
import { errorHandler } from '../../server/http/middleware.js';
import { Metrics } from '../../server/metrics.js';
import { canMakeHeic, makeHeic, makePhoto } from '../support/photos.js';

const SHANGHAI: [number, number] = [121.4737, 31.2304];
const TAKEN = new Date('2024-05-01T02:30:00.000Z');
const START = new Date('2025-06-01T08:00:00.000Z');

describe('photo attachments over real HTTP', () => {
  let dir: string;
  let server: Server;
  let url: string;
  let attachments: Attachments;
  let metrics: Metrics;
  const audit: AuditEntry[] = [];
  let now = START;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'citybrain-attachments-'));
    metrics = new Metrics();
    attachments = createAttachments({
      dir,
      // The API's own guard has found the principal: the module's guard reads it from there.
      auth: {} as Auth,
      clock: () => now,
      metrics,
      audit: { record: (e) => void audit.push(e) },
    });
    // As the server mounts it: express.json on /api first, the login guard, then the router.
    const app = express();
    app.use('/api', express.json({ limit: 1024 * 1024 }));
    app.use('/api/v1', (req, _res, next) => {
      const role = (req.headers['x-test-role'] as Role | undefined) ?? 'grid';
      req.principal = { id: `user-${role}`, role, name: role };
      next();
    });
    app.use('/api/v1', attachments.router);
    app.use(errorHandler);
    server = createServer((req, res) => {
      if (!attachments.handle(req, res)) app(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    now = START;
  });

  async function upload(
    body: Buffer,
    headers: Record<string, string> = { 'content-type': 'image/jpeg' },
  ): Promise<{ status: number; body: any }> {
    const res = await fetch(`${url}/api/v1/attachments`, {
      method: 'POST',
      headers,
      body: new Uint8Array(body),
    });
    return { status: res.status, body: await res.json() };
  }

  const stored = (info: AttachmentInfo, ext: string) =>
    join(dir, info.id.slice(0, 2), `${info.id}.${ext}`);

  it('keeps date and position of a phone photo as fields, and nothing of its EXIF in the file', async () => {
    const photo = await makePhoto({
      width: 120,
      height: 90,
      gps: SHANGHAI,
      takenAt: TAKEN,
      make: 'HUAWEI',
      orientation: 6,
    });
    const { status, body } = await upload(photo);
    expect(status).toBe(201);
    expect(body).toMatchObject({ type: 'image/jpeg', takenAt: TAKEN.toISOString() });
    expect(body.id).toMatch(/^[0-9a-f]{64}$/);
    expect(body.position[0]).toBeCloseTo(SHANGHAI[0], 5);
    expect(body.position[1]).toBeCloseTo(SHANGHAI[1], 5);
    // Turned upright as the phone meant it: a portrait.
    expect([body.width, body.height]).toEqual([90, 120]);

    const file = await readFile(stored(body, 'jpg'));
    expect(file.length).toBe(body.bytes);
    expect(await exifr.parse(file)).toBeUndefined();
    const meta = await sharp(file).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 90, height: 120 });
    expect(meta.exif ?? meta.icc ?? meta.xmp ?? meta.orientation).toBeUndefined();
    expect(file.includes('HUAWEI')).toBe(false);

    const thumb = await sharp(await readFile(stored(body, 'thumb.jpg'))).metadata();
    expect(thumb.format).toBe('jpeg');
    expect(Math.max(thumb.width, thumb.height)).toBeLessThanOrEqual(320);
    expect(attachments.missing([body.id])).toEqual([]);
  });

  it('reads a date without an offset as the centre’s time', async () => {
    const photo = await makePhoto({ width: 40, height: 30, takenAt: TAKEN, offset: false });
    const { status, body } = await upload(photo);
    expect(status).toBe(201);
    expect(body.takenAt).toBe(TAKEN.toISOString());
    expect(body).not.toHaveProperty('position');
  });

  it('caps the stored photo at 2560 px and its thumbnail at 320 px', async () => {
    const photo = await makePhoto({ width: 4000, height: 3000, noise: false });
    const { status, body } = await upload(photo);
    expect(status).toBe(201);
    expect([body.width, body.height]).toEqual([2560, 1920]);
    const thumb = await sharp(await readFile(stored(body, 'thumb.jpg'))).metadata();
    expect([thumb.width, thumb.height]).toEqual([320, 240]);
  });

  it('answers the same upload twice with the same id, 200 the second time, storing it once', async () => {
    const photo = await makePhoto({ width: 64, height: 64, gps: SHANGHAI });
    const first = await upload(photo);
    const again = await upload(photo);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const names = readdirSync(join(dir, first.body.id.slice(0, 2))).filter((n) =>
      n.startsWith(first.body.id),
    );
    expect(names.sort()).toEqual([
      `${first.body.id}.jpg`,
      `${first.body.id}.json`,
      `${first.body.id}.thumb.jpg`,
    ]);

    // Two phones' retries at once: one stores, the other is told it is there.
    const twin = await makePhoto({ width: 65, height: 64 });
    const both = await Promise.all([upload(twin), upload(twin)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 201]);
    expect(both[0].body.id).toBe(both[1].body.id);
  });

  it('takes PNG and WebP, whatever the Content-Type says', async () => {
    const png = await upload(await makePhoto({ width: 50, height: 40, format: 'png' }), {
      'content-type': 'application/octet-stream',
    });
    expect(png.status).toBe(201);
    expect(png.body.type).toBe('image/png');
    expect((await sharp(await readFile(stored(png.body, 'png'))).metadata()).format).toBe('png');

    const webp = await upload(await makePhoto({ width: 50, height: 40, format: 'webp' }), {
      'content-type': 'image/jpeg',
    });
    expect(webp.status).toBe(201);
    expect(webp.body.type).toBe('image/webp');
    expect((await sharp(await readFile(stored(webp.body, 'webp'))).metadata()).format).toBe('webp');
  });

  it('refuses what is no image, by its bytes (415)', async () => {
    const text = Buffer.from('this is not a photo, only named photo.jpg\n');
    const plain = await upload(text, { 'content-type': 'image/jpeg' });
    expect(plain).toEqual({
      status: 415,
      body: { error: expect.objectContaining({ code: 'attachment_type' }) },
    });
    const json = await upload(Buffer.from('{"photo":"x"}'), { 'content-type': 'application/json' });
    expect(json.status).toBe(415);
    expect(json.body.error.code).toBe('attachment_type');
    const gif = await upload(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'));
    expect(gif.body.error.code).toBe('attachment_type');
  });

  it('refuses bytes that claim to be an image but do not decode (400)', async () => {
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7)]);
    const fakeJpeg = await upload(jpeg);
    expect(fakeJpeg.status).toBe(400);
    expect(fakeJpeg.body.error.code).toBe('attachment_unreadable');

    const truncated = (await makePhoto({ width: 200, height: 200 })).subarray(0, 3000);
    expect((await upload(truncated)).body.error.code).toBe('attachment_unreadable');

    const heic = Buffer.concat([
      Buffer.from([0, 0, 0, 24]),
      Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1'),
      Buffer.alloc(4000, 0x5a),
    ]);
    const fakeHeic = await upload(heic, { 'content-type': 'image/heic' });
    expect(fakeHeic.status).toBe(400);
    expect(fakeHeic.body.error.code).toBe('attachment_unreadable');
  });

  it.skipIf(!canMakeHeic())('converts a HEIC photo to JPEG', async () => {
    const { status, body } = await upload(makeHeic(64, 48), { 'content-type': 'image/heic' });
    expect(status).toBe(201);
    expect(body).toMatchObject({ type: 'image/jpeg', width: 64, height: 48 });
    const meta = await sharp(await readFile(stored(body, 'jpg'))).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 64, height: 48 });
  });

  it('refuses a photo over 10 MB (413)', async () => {
    const big = Buffer.concat([
      await makePhoto({ width: 32, height: 32 }),
      Buffer.alloc(11 * 2 ** 20, 1),
    ]);
    const res = await upload(big);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('attachment_too_large');
  });

  it('cuts off a client streaming 50 MB rather than read it all', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0xff);
    let sent = 0;
    let status: number | undefined;
    // A client that takes no hint: it writes on until the server closes the connection.
    await new Promise<void>((resolve) => {
      const req = request(`${url}/api/v1/attachments`, {
        method: 'POST',
        headers: { 'content-type': 'image/jpeg', 'transfer-encoding': 'chunked' },
      });
      let closed = false;
      req.on('response', (res) => {
        status = res.statusCode;
        res.resume();
      });
      req.on('close', () => {
        closed = true;
        resolve();
      });
      req.on('error', () => undefined);
      const pump = () => {
        while (!closed && sent < 50 * 2 ** 20) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!closed) req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    // The limit and what the sockets' buffers held on the way, not the 50 MB.
    expect(sent).toBeLessThan(30 * 2 ** 20);
  });

  it('lets the admin role upload nothing', async () => {
    const res = await upload(await makePhoto({ width: 20, height: 20 }), {
      'content-type': 'image/jpeg',
      'x-test-role': 'admin',
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('role_forbidden');
  });

  it('serves a photo and its thumbnail through a link, until it expires', async () => {
    const { body: info } = await upload(await makePhoto({ width: 400, height: 300 }));
    const link = attachments.links([info.id])[info.id]!;
    expect(link).toMatchObject({ ...info, url: expect.stringMatching(/^\/files\//) });
    const left = Date.parse(link.expiresAt) - now.getTime();
    expect(left).toBeGreaterThan(14 * 60_000);
    expect(left).toBeLessThanOrEqual(15 * 60_000);

    const full = await fetch(url + link.url);
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('image/jpeg');
    expect(full.headers.get('x-content-type-options')).toBe('nosniff');
    expect(full.headers.get('content-disposition')).toBe('inline');
    expect(full.headers.get('cache-control')).toBe(`private, max-age=${Math.floor(left / 1000)}`);
    const bytes = Buffer.from(await full.arrayBuffer());
    expect(bytes.equals(await readFile(stored(info, 'jpg')))).toBe(true);

    const thumb = await fetch(url + link.thumbUrl);
    expect(thumb.status).toBe(200);
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 320, height: 240 });

    const head = await fetch(url + link.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(info.bytes);

    // No fixed sleep: the server's clock moves on.
    now = new Date(Date.parse(link.expiresAt));
    const late = await fetch(url + link.url);
    expect(late.status).toBe(403);
    expect(await late.json()).toEqual({
      error: { code: 'attachment_link_invalid', message: expect.any(String) },
    });
  });

  it('refuses a link that was changed', async () => {
    const { body: info } = await upload(await makePhoto({ width: 30, height: 30 }));
    const { body: other } = await upload(await makePhoto({ width: 31, height: 30 }));
    const link = attachments.links([info.id])[info.id]!;
    const sig = new URL(link.url, url).searchParams.get('sig')!;
    const flipped = sig.slice(0, -1) + (sig.endsWith('A') ? 'B' : 'A');
    const tampered = [
      link.url.replace(sig, flipped),
      // Another photo under this one's signature.
      link.url.replace(info.id, other.id),
      // The full image under the thumbnail's signature.
      link.thumbUrl.replace('v=thumb', 'v=full'),
      // A later expiry.
      link.url.replace(/exp=\d+/, `exp=${Date.parse(link.expiresAt) + 3_600_000}`),
      link.url.replace(/&sig=.*/, ''),
      `${link.url}&v=thumb`,
    ];
    for (const path of tampered) {
      const res = await fetch(url + path);
      expect(res.status, path).toBe(403);
      expect((await res.json()).error.code).toBe('attachment_link_invalid');
    }
  });

  it('never lets a path or id reach outside the photo folder', async () => {
    writeFileSync(join(dir, 'secret.json'), '{"id":"secret"}');
    const { body: info } = await upload(await makePhoto({ width: 33, height: 30 }));
    const query = attachments.links([info.id])[info.id]!.url.split('?')[1];
    const raw = [
      `/files/../secret.json?${query}`,
      `/files/..%2fsecret.json?${query}`,
      `/files/${info.id}/../../secret.json?${query}`,
      `/files/${info.id}.json?${query}`,
      `/files/%2e%2e/${info.id}?${query}`,
    ];
    for (const path of raw) expect(await rawGet(path), path).toBe(403);

    const tricks = ['../secret', `../${info.id.slice(3)}`, info.id.toUpperCase(), '', 'orig'];
    expect(attachments.missing(tricks)).toEqual(tricks);
    expect(attachments.links(tricks)).toEqual({});
  });

  it('counts a photo as stored only once its info is written', async () => {
    const { body: info } = await upload(await makePhoto({ width: 34, height: 30 }));
    const absent = 'ab'.padEnd(64, '0');
    // What a crash between the image and its info would leave.
    await mkdir(join(dir, 'ab'), { recursive: true });
    writeFileSync(join(dir, 'ab', `${absent}.jpg`), 'half a photo');
    writeFileSync(join(dir, 'ab', `.${absent}.json.1234.tmp`), '{');
    expect(attachments.missing([info.id, absent])).toEqual([absent]);
    expect(attachments.links([absent])).toEqual({});
  });

  it('leaves other paths to the server', async () => {
    const res = await fetch(`${url}/filesystem`);
    expect(res.status).toBe(404);
    expect(existsSync(join(dir, 'filesystem'))).toBe(false);
  });

  it('counts uploads by result and records them in the audit trail', async () => {
    const text = await metrics.render();
    for (const result of ['stored', 'duplicate', 'type', 'too_large', 'unreadable']) {
      expect(text).toMatch(new RegExp(`citybrain_attachments_total\\{result="${result}"\\} [1-9]`));
    }
    const uploads = audit.filter((e) => e.action === 'attachment.uploaded');
    expect(uploads).toContainEqual(
      expect.objectContaining({
        actor: 'user-grid',
        actorRole: 'grid',
        outcome: 'ok',
        detail: expect.objectContaining({ duplicate: true }),
      }),
    );
    expect(uploads).toContainEqual(
      expect.objectContaining({ outcome: 'refused', detail: { code: 'attachment_type' } }),
    );
  });

  /** A GET with the path exactly as given: fetch would resolve its dot segments first. */
  function rawGet(path: string): Promise<number> {
    return new Promise((resolve, reject) => {
      request(`${url}/`, { path }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      })
        .on('error', reject)
        .end();
    });
  }
});
