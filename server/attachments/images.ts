import sharp, { type Sharp } from 'sharp';
import type { AttachmentInfo } from '../../shared/index.js';
import { HttpError } from '../http-error.js';
import type { SniffedType } from './sniff.js';

/** The longest edge kept: enough to read a licence plate, a fraction of a 50 MP original. */
export const MAX_EDGE = 2560;
/** The thumbnail's longest edge: lists and incident cards. */
export const THUMB_EDGE = 320;
/**
 * The most pixels decoded: a 10 MB file can hold a PNG of a billion identical pixels, and every
 * decode holds four bytes a pixel. 100 MP is twice what a phone's camera takes in one frame.
 */
export const MAX_PIXELS = 100_000_000;
/** Photos decoded at once: each may hold hundreds of MB while it is converted. */
const MAX_CONCURRENT = 2;

export type StoredType = AttachmentInfo['type'];

/** A photo as kept: re-encoded without metadata, and its thumbnail (always JPEG). */
export interface Converted {
  type: StoredType;
  image: Buffer;
  width: number;
  height: number;
  thumb: Buffer;
}

const OUTPUT: Record<SniffedType, StoredType> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  // Browsers other than Safari show no HEIC: phones' photos become JPEGs on arrival.
  heic: 'image/jpeg',
};

const unreadable = (what: string) =>
  new HttpError(400, `the ${what} could not be decoded`, { code: 'attachment_unreadable' });
const tooManyPixels = () =>
  new HttpError(413, `the photo has more than ${MAX_PIXELS} pixels`, {
    code: 'attachment_too_large',
  });

/**
 * Re-encodes a photo so that nothing of its file but its pixels survives: EXIF (GPS, device,
 * owner), XMP, ICC (converted to sRGB first) and embedded thumbnails are gone, its orientation
 * applied to the pixels, its longest edge at most MAX_EDGE. Deterministic for the same bytes
 * and the same sharp, which keeps a retried upload's id stable.
 */
export function convert(original: Buffer, kind: SniffedType): Promise<Converted> {
  return limited(async () => {
    const input = kind === 'heic' ? await fromHeic(original) : await fromFile(original);
    const type = OUTPUT[kind];
    const resized = input
      .rotate()
      .resize({ width: MAX_EDGE, height: MAX_EDGE, fit: 'inside', withoutEnlargement: true });
    const encoded =
      type === 'image/png'
        ? resized.png()
        : type === 'image/webp'
          ? resized.webp({ quality: 85 })
          : resized.jpeg({ quality: 85 });
    const { data: image, info } = await encoded
      .toBuffer({ resolveWithObject: true })
      .catch(() => Promise.reject(unreadable(kind.toUpperCase())));
    const thumb = await sharp(image)
      .resize({ width: THUMB_EDGE, height: THUMB_EDGE, fit: 'inside', withoutEnlargement: true })
      // A transparent PNG's thumbnail on white, as a page shows it, not on JPEG's black.
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 75 })
      .toBuffer();
    return { type, image, width: info.width, height: info.height, thumb };
  });
}

async function fromFile(original: Buffer): Promise<Sharp> {
  // `truncated`: a photo cut short in transit is refused; a camera's harmless quirks are not.
  const options = { failOn: 'truncated', limitInputPixels: MAX_PIXELS } as const;
  // The header first: the pixel count is refused before anything is decoded.
  const meta = await sharp(original, options)
    .metadata()
    .catch(() => Promise.reject(unreadable('image')));
  if (!meta.width || !meta.height) throw unreadable('image');
  if (meta.width * meta.height > MAX_PIXELS) throw tooManyPixels();
  return sharp(original, options);
}

/**
 * HEIC through heic-decode (libheif in WebAssembly): sharp's prebuilt libvips reads AVIF but has
 * no HEVC decoder. Loaded on first use, as it is several MB that most servers never need.
 */
async function fromHeic(original: Buffer): Promise<Sharp> {
  const { default: decode } = await import('heic-decode');
  let images: Awaited<ReturnType<typeof decode.all>>;
  try {
    images = await decode.all({ buffer: original });
  } catch {
    throw unreadable('HEIC photo');
  }
  try {
    const first = images[0];
    if (!first || !first.width || !first.height) throw unreadable('HEIC photo');
    if (first.width * first.height > MAX_PIXELS) throw tooManyPixels();
    const { width, height, data } = await first.decode().catch(() => {
      throw unreadable('HEIC photo');
    });
    // libheif has applied the container's rotation already: the pixels carry no EXIF to rotate by.
    return sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
      raw: { width, height, channels: 4 },
    });
  } finally {
    images.dispose();
  }
}

let running = 0;
const waiting: (() => void)[] = [];

/** Runs at most MAX_CONCURRENT conversions at once; the others wait their turn in order. */
async function limited<T>(run: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await run();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}
