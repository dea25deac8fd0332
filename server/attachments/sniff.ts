/** What the first bytes of an upload say it is; the client's Content-Type is never asked. */
export type SniffedType = 'jpeg' | 'png' | 'webp' | 'heic';

/**
 * ISO-BMFF major brands of HEIF files whose image is HEVC, as phones write them (iPhones:
 * `heic`; some Android phones: `mif1` with an HEVC image). AVIF (`avif`) is not among them.
 */
const HEIC_BRANDS = new Set(['heic', 'heix', 'mif1', 'msf1', 'hevc', 'hevx']);

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function sniff(bytes: Uint8Array): SniffedType | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return 'jpeg';
  }
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') {
    return 'webp';
  }
  // A box header: 4-byte size, then `ftyp`, then the major brand.
  if (bytes.length >= 12 && ascii(bytes, 4, 8) === 'ftyp' && HEIC_BRANDS.has(ascii(bytes, 8, 12))) {
    return 'heic';
  }
  return undefined;
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}
