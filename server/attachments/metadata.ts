import exifr from 'exifr';

/** What a photo's EXIF may tell that is worth keeping: when and where it was taken. */
export interface PhotoFacts {
  takenAt?: string;
  /** [lng, lat], WGS84, as phones write EXIF GPS. */
  position?: [number, number];
}

interface Tags {
  DateTimeOriginal?: unknown;
  CreateDate?: unknown;
  OffsetTimeOriginal?: unknown;
  OffsetTime?: unknown;
  latitude?: unknown;
  longitude?: unknown;
}

const EXIF_DATE = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/;
const EXIF_OFFSET = /^([+-])(\d{2}):(\d{2})$/;
/** Cameras with a reset clock say 1970 or 2000; nothing before this is believed. */
const EARLIEST = Date.UTC(1990, 0, 1);
/** A phone's clock a little ahead is believed; a photo from further in the future is not. */
const FUTURE_SLACK_MS = 24 * 3600_000;

/**
 * Reads the date taken and the GPS position from the original bytes, before they are stripped.
 * Metadata is a courtesy: whatever cannot be read or is implausible is left out, never refused.
 * `utcOffsetMinutes` is for a date that names no offset: EXIF dates are the camera's wall time,
 * and a photo taken at an incident is taken in the centre's time zone.
 */
export async function readFacts(
  original: Uint8Array,
  now: Date,
  utcOffsetMinutes: number,
): Promise<PhotoFacts> {
  let tags: Tags | undefined;
  try {
    // Raw values: exifr would read the wall time as this process's local time.
    tags = (await exifr.parse(original, {
      reviveValues: false,
      gps: true,
      pick: [
        'DateTimeOriginal',
        'CreateDate',
        'OffsetTimeOriginal',
        'OffsetTime',
        'GPSLatitude',
        'GPSLatitudeRef',
        'GPSLongitude',
        'GPSLongitudeRef',
      ],
    })) as Tags | undefined;
  } catch {
    // No EXIF, or none exifr reads (WebP): the photo stands without it.
    return {};
  }
  if (!tags) return {};
  const facts: PhotoFacts = {};
  const takenAt = dateOf(
    tags.DateTimeOriginal ?? tags.CreateDate,
    tags.OffsetTimeOriginal ?? tags.OffsetTime,
    now,
    utcOffsetMinutes,
  );
  if (takenAt) facts.takenAt = takenAt;
  const position = positionOf(tags.longitude, tags.latitude);
  if (position) facts.position = position;
  return facts;
}

function dateOf(
  raw: unknown,
  offset: unknown,
  now: Date,
  utcOffsetMinutes: number,
): string | undefined {
  const m = typeof raw === 'string' ? EXIF_DATE.exec(raw) : null;
  if (!m) return undefined;
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = m.slice(1).map(Number);
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(wall);
  // Date.UTC rolls 2024:02:31 over into March: such a date is garbage, not a date.
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return undefined;
  }
  const o = typeof offset === 'string' ? EXIF_OFFSET.exec(offset) : null;
  const minutes = o
    ? (o[1] === '-' ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3]))
    : utcOffsetMinutes;
  const at = wall - minutes * 60_000;
  if (at < EARLIEST || at > now.getTime() + FUTURE_SLACK_MS) return undefined;
  return new Date(at).toISOString();
}

function positionOf(lng: unknown, lat: unknown): [number, number] | undefined {
  if (typeof lng !== 'number' || typeof lat !== 'number') return undefined;
  if (!Number.isFinite(lng) || !Number.isFinite(lat)) return undefined;
  if (Math.abs(lng) > 180 || Math.abs(lat) > 90) return undefined;
  // What a phone without a fix writes: no position rather than one in the Gulf of Guinea.
  if (lng === 0 && lat === 0) return undefined;
  // About a centimetre: more digits say nothing GPS knows.
  return [round7(lng), round7(lat)];
}

const round7 = (x: number) => Math.round(x * 1e7) / 1e7;
