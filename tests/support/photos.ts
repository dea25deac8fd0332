import { spawnSync } from 'node:child_process';
import sharp from 'sharp';

export type PhotoFormat = 'jpeg' | 'png' | 'webp';

export interface PhotoOptions {
  width: number;
  height: number;
  format?: PhotoFormat;
  /** [lng, lat], written as EXIF GPS. */
  gps?: [number, number];
  /** Written as EXIF DateTimeOriginal in UTC+08:00, with its offset unless `offset` is false. */
  takenAt?: Date;
  offset?: boolean;
  /** EXIF orientation (1 to 8). */
  orientation?: number;
  /** Anything else a phone leaves in its files, to check it is gone. */
  make?: string;
  /** Noise by default; a plain colour keeps a large photo small. */
  noise?: boolean;
}

/**
 * A photo as a phone would send it: noise (so that encoders cannot shrink it to nothing and two
 * sizes never give the same bytes), with EXIF date, GPS and camera make when asked.
 */
export async function makePhoto(options: PhotoOptions): Promise<Buffer> {
  const { width, height, format = 'jpeg' } = options;
  let image = sharp({
    create: {
      width,
      height,
      channels: 3,
      background: '#3a6ea5',
      ...(options.noise === false ? {} : { noise: { type: 'gaussian', mean: 128, sigma: 40 } }),
    },
  });
  const ifd0: Record<string, string> = {};
  const exif: Record<string, string> = {};
  const gps: Record<string, string> = {};
  if (options.make) ifd0.Make = options.make;
  if (options.takenAt) {
    exif.DateTimeOriginal = exifDate(options.takenAt);
    if (options.offset !== false) exif.OffsetTimeOriginal = '+08:00';
  }
  if (options.gps) {
    const [lng, lat] = options.gps;
    gps.GPSLatitudeRef = lat < 0 ? 'S' : 'N';
    gps.GPSLatitude = dms(Math.abs(lat));
    gps.GPSLongitudeRef = lng < 0 ? 'W' : 'E';
    gps.GPSLongitude = dms(Math.abs(lng));
  }
  if (Object.keys({ ...ifd0, ...exif, ...gps }).length) {
    image = image.withExif({ IFD0: ifd0, IFD2: exif, IFD3: gps });
  }
  // sharp writes the orientation tag itself, not through withExif.
  if (options.orientation) image = image.withMetadata({ orientation: options.orientation });
  return image.toFormat(format).toBuffer();
}

/** EXIF wall time: the date in UTC+08:00, as a phone in China writes it. */
function exifDate(at: Date): string {
  const local = new Date(at.getTime() + 8 * 3600_000).toISOString();
  return `${local.slice(0, 10).replaceAll('-', ':')} ${local.slice(11, 19)}`;
}

/** Degrees, minutes, seconds as EXIF rationals, to a ten-thousandth of a second. */
function dms(value: number): string {
  const degrees = Math.floor(value);
  const minutes = Math.floor((value - degrees) * 60);
  const seconds = Math.round(((value - degrees) * 60 - minutes) * 60 * 10_000);
  return `${degrees}/1 ${minutes}/1 ${seconds}/10000`;
}

/** Whether ffmpeg can encode HEVC here, which `makeHeic` needs. */
export function canMakeHeic(): boolean {
  const run = spawnSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' });
  return run.status === 0 && /\blibx265\b/.test(run.stdout);
}

/**
 * A HEIC photo as a phone writes one: an HEVC still (encoded by ffmpeg's libx265) in a HEIF
 * container built here, since neither sharp's prebuilt libvips nor ffmpeg 5 writes HEIF.
 */
export function makeHeic(width: number, height: number): Buffer {
  const run = spawnSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi'],
      ...['-i', `testsrc=size=${width}x${height}:rate=1`, '-frames:v', '1'],
      ...['-c:v', 'libx265', '-x265-params', 'log-level=error', '-pix_fmt', 'yuv420p'],
      ...['-f', 'hevc', '-'],
    ],
    { maxBuffer: 64 * 2 ** 20 },
  );
  if (run.status !== 0) throw new Error(`ffmpeg: ${run.stderr.toString()}`);
  const nals = splitAnnexB(run.stdout);
  const ofType = (type: number) => nals.filter((n) => ((n[0]! >> 1) & 0x3f) === type);
  // The picture's slices go in `mdat`, length-prefixed; the parameter sets go in `hvcC`.
  const slices = nals.filter((n) => ((n[0]! >> 1) & 0x3f) < 32);
  const mdatBody = Buffer.concat(slices.map((n) => Buffer.concat([u32(n.length), n])));

  const hvcC = box(
    'hvcC',
    Buffer.concat([
      // Version 1, Main profile, its compatibility flags, no constraints, level 3.
      Buffer.from([1, 0x01, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 90]),
      // No segmentation or parallelism, 4:2:0, 8 bits, no frame rate, 4-byte NAL lengths.
      Buffer.from([0xf0, 0x00, 0xfc, 0xfd, 0xf8, 0xf8, 0, 0, 0x0f]),
      Buffer.from([3]),
      ...[32, 33, 34].map((type) => {
        const [nal] = ofType(type);
        if (!nal) throw new Error(`no NAL unit of type ${type} from ffmpeg`);
        return Buffer.concat([Buffer.from([0x80 | type]), u16(1), u16(nal.length), nal]);
      }),
    ]),
  );
  const ispe = fullBox('ispe', 0, Buffer.concat([u32(width), u32(height)]));
  const ipma = fullBox(
    'ipma',
    0,
    // One item (1) with two properties: hvcC (1, essential) and ispe (2).
    Buffer.concat([u32(1), u16(1), Buffer.from([2, 0x81, 0x02])]),
  );
  const ftyp = box('ftyp', Buffer.concat([Buffer.from('heic'), u32(0), Buffer.from('mif1heic')]));
  const meta = (offset: number) =>
    fullBox(
      'meta',
      0,
      Buffer.concat([
        fullBox('hdlr', 0, Buffer.concat([u32(0), Buffer.from('pict'), Buffer.alloc(13)])),
        fullBox('pitm', 0, u16(1)),
        fullBox(
          'iloc',
          0,
          Buffer.concat([
            // 4-byte offsets and lengths, no base offset; one item, one extent.
            Buffer.from([0x44, 0x00]),
            ...[u16(1), u16(1), u16(0), u16(1), u32(offset), u32(mdatBody.length)],
          ]),
        ),
        fullBox(
          'iinf',
          0,
          Buffer.concat([
            u16(1),
            fullBox('infe', 2, Buffer.concat([u16(1), u16(0), Buffer.from('hvc1\0')])),
          ]),
        ),
        box('iprp', Buffer.concat([box('ipco', Buffer.concat([hvcC, ispe])), ipma])),
      ]),
    );
  // The extent's offset is where mdat's body starts, which depends on meta's own size.
  const metaSize = meta(0).length;
  const mdat = box('mdat', mdatBody);
  return Buffer.concat([ftyp, meta(ftyp.length + metaSize + 8), mdat]);
}

function splitAnnexB(stream: Buffer): Buffer[] {
  const starts: number[] = [];
  for (let i = 0; i + 3 <= stream.length; i++) {
    if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1) {
      starts.push(i + 3);
      i += 2;
    }
  }
  return starts.map((start, k) => {
    let end = k + 1 < starts.length ? starts[k + 1]! - 3 : stream.length;
    // A four-byte start code leaves a zero behind the previous unit.
    while (end > start && stream[end - 1] === 0) end--;
    return stream.subarray(start, end);
  });
}

function box(type: string, body: Buffer): Buffer {
  return Buffer.concat([u32(body.length + 8), Buffer.from(type, 'latin1'), body]);
}

function fullBox(type: string, version: number, body: Buffer): Buffer {
  return box(type, Buffer.concat([Buffer.from([version, 0, 0, 0]), body]));
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
