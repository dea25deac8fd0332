/** What a URI in a playlist names: another playlist, or bytes a player downloads. */
export interface UriRole {
  kind: 'playlist' | 'media';
  /** LL-HLS preload hint: the resource may not exist yet and upstream holds the request. */
  blocking: boolean;
  /** A master playlist's variant stream (the URI after EXT-X-STREAM-INF). */
  variant?: boolean;
}

export interface PlaylistInfo {
  master: boolean;
  /** Seconds; media playlists only. */
  targetDuration?: number;
  /** LL-HLS part target in seconds. */
  partTarget?: number;
  /** Media sequence number of the segment after the last one listed. */
  nextMsn?: number;
  /** LL-HLS: the last partial segment listed, by its parent segment's number and its index. */
  lastPart?: { msn: number; index: number };
  endList: boolean;
}

export interface RewriteOptions {
  /**
   * The upstream serves Low-Latency HLS to us. Otherwise its server control loses the blocking
   * reload and skip capabilities, whose directives the forwarder would not pass on.
   */
  lowLatency: boolean;
}

/** Upstream sent something we will not forward; the message is safe to show a client. */
export class PlaylistError extends Error {}

/** Tags whose URI attribute names another playlist; every other URI attribute names media. */
const PLAYLIST_URI_TAGS = new Set([
  'EXT-X-MEDIA',
  'EXT-X-I-FRAME-STREAM-INF',
  'EXT-X-RENDITION-REPORT',
]);
/** Schemes a player resolves itself (inline data, DRM key systems); we never fetch them. */
const PASS_THROUGH_SCHEMES = /^(data|skd):/i;

/** Tags forwarded with an attribute list, each attribute checked and any URI rewritten. */
const ATTRIBUTE_TAGS = new Set([
  'EXT-X-KEY',
  'EXT-X-SESSION-KEY',
  'EXT-X-MAP',
  'EXT-X-PART',
  'EXT-X-PART-INF',
  'EXT-X-SERVER-CONTROL',
  'EXT-X-SKIP',
  'EXT-X-PRELOAD-HINT',
  'EXT-X-RENDITION-REPORT',
  'EXT-X-MEDIA',
  'EXT-X-STREAM-INF',
  'EXT-X-I-FRAME-STREAM-INF',
  'EXT-X-START',
]);
/** Tags forwarded with a single value, which must have this shape. */
const VALUE_TAGS: Record<string, RegExp> = {
  'EXT-X-VERSION': /^\d{1,2}$/,
  'EXT-X-TARGETDURATION': /^\d{1,6}(\.\d{1,6})?$/,
  'EXT-X-MEDIA-SEQUENCE': /^\d{1,18}$/,
  'EXT-X-DISCONTINUITY-SEQUENCE': /^\d{1,18}$/,
  'EXT-X-BITRATE': /^\d{1,12}$/,
  'EXT-X-BYTERANGE': /^\d{1,15}(@\d{1,15})?$/,
  'EXT-X-PLAYLIST-TYPE': /^(EVENT|VOD)$/,
  'EXT-X-PROGRAM-DATE-TIME': /^[0-9TZ:.+-]{10,40}$/,
};
const FLAG_TAGS = new Set([
  'EXT-X-ENDLIST',
  'EXT-X-DISCONTINUITY',
  'EXT-X-GAP',
  'EXT-X-INDEPENDENT-SEGMENTS',
  'EXT-X-I-FRAMES-ONLY',
]);
/**
 * Tags of Low-Latency HLS. From an upstream not marked as serving it, the playlist goes out as
 * plain HLS: parts without blocking reloads make an invalid playlist (server control without
 * CAN-BLOCK-RELOAD, too, to strict parsers), and they would only be names sealed for nothing.
 */
const LOW_LATENCY_TAGS = new Set([
  'EXT-X-SERVER-CONTROL',
  'EXT-X-PART',
  'EXT-X-PART-INF',
  'EXT-X-PRELOAD-HINT',
  'EXT-X-RENDITION-REPORT',
]);
const ATTRIBUTE = /^\s*([A-Z0-9-]+)=("[^"]*"|[^",]*?)\s*(?:,|$)/;

/**
 * Rewrites an HLS playlist (media or master, LL-HLS included) for the browser: every URI through
 * `mapUri`, which receives it resolved against the playlist's own URL, and only the tags a player
 * needs to play, in their order, so that nothing else an upstream writes (comments, EXT-X-DATERANGE
 * asset URIs, EXT-X-SESSION-DATA, content steering, vendor tags, EXTINF titles) reaches it.
 * Players ignore tags they do not know, so dropping the rest loses nothing they would use.
 * Throws PlaylistError for anything that is not a playlist we can forward.
 */
export function rewritePlaylist(
  text: string,
  baseUrl: string,
  mapUri: (absoluteUrl: string, role: UriRole) => string,
  options: RewriteOptions = { lowLatency: false },
): { text: string; info: PlaylistInfo } {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.replace(/^\uFEFF/, '').trim() !== '#EXTM3U') {
    throw new PlaylistError('upstream did not answer with an HLS playlist');
  }
  const info: PlaylistInfo = { master: false, endList: false };
  let mediaSequence = 0;
  let segments = 0;
  let partsOfNext = 0;
  let nextIsVariant = false;
  const out: string[] = ['#EXTM3U'];

  const resolve = (uri: string, role: UriRole): string => {
    if (PASS_THROUGH_SCHEMES.test(uri)) return uri;
    let url: URL;
    try {
      url = new URL(uri, baseUrl);
    } catch {
      throw new PlaylistError('upstream playlist has a URI that cannot be resolved');
    }
    if (schemeFamily(url.protocol) !== schemeFamily(new URL(baseUrl).protocol)) {
      throw new PlaylistError('upstream playlist names a URI of another scheme');
    }
    url.hash = '';
    return mapUri(url.href, role);
  };

  for (const raw of lines.slice(1)) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith('#')) {
      const role: UriRole = nextIsVariant
        ? { kind: 'playlist', blocking: false, variant: true }
        : { kind: 'media', blocking: false };
      if (!nextIsVariant) {
        segments++;
        partsOfNext = 0;
      }
      nextIsVariant = false;
      out.push(resolve(line, role));
      continue;
    }
    if (!line.startsWith('#EXT')) continue; // comments may carry upstream details
    const colon = line.indexOf(':');
    const tag = line.slice(1, colon === -1 ? undefined : colon);
    const value = colon === -1 ? '' : line.slice(colon + 1);

    if (tag === 'EXT-X-DEFINE') {
      // Variables may hold upstream hosts and paths, and substituting them is the player's job.
      throw new PlaylistError('upstream playlist uses variables (EXT-X-DEFINE), not forwarded');
    }
    if (tag === 'EXTINF') {
      // The title after the comma is free text, where some servers name the stream's source.
      const duration = /^(\d{1,6}(?:\.\d{1,9})?)\s*(?:,|$)/.exec(value)?.[1];
      if (duration === undefined) throw malformed(tag);
      out.push(`#EXTINF:${duration},`);
      continue;
    }
    if (FLAG_TAGS.has(tag)) {
      if (tag === 'EXT-X-ENDLIST') info.endList = true;
      out.push(`#${tag}`);
      continue;
    }
    const shape = VALUE_TAGS[tag];
    if (shape) {
      if (!shape.test(value)) throw malformed(tag);
      if (tag === 'EXT-X-TARGETDURATION') info.targetDuration = Number(value);
      if (tag === 'EXT-X-MEDIA-SEQUENCE') mediaSequence = Number(value);
      out.push(`#${tag}:${value}`);
      continue;
    }
    // Anything else (EXT-X-DATERANGE, EXT-X-SESSION-DATA, EXT-X-CONTENT-STEERING, vendor tags)
    // is not forwarded: such tags can carry URLs of upstream or third-party servers.
    if (!ATTRIBUTE_TAGS.has(tag)) continue;
    if (!options.lowLatency && LOW_LATENCY_TAGS.has(tag)) continue;

    const attributes = parseAttributes(value);
    if (!attributes) throw malformed(tag);
    switch (tag) {
      case 'EXT-X-STREAM-INF':
        info.master = true;
        nextIsVariant = true;
        break;
      case 'EXT-X-PART-INF':
        info.partTarget = Number(unquote(attributes.get('PART-TARGET') ?? 'NaN'));
        break;
      case 'EXT-X-SKIP':
        segments += Number(attributes.get('SKIPPED-SEGMENTS') ?? 0);
        break;
      case 'EXT-X-PART':
        info.lastPart = { msn: mediaSequence + segments, index: partsOfNext++ };
        break;
    }
    const role: UriRole = {
      kind: PLAYLIST_URI_TAGS.has(tag) ? 'playlist' : 'media',
      blocking: tag === 'EXT-X-PRELOAD-HINT',
    };
    const kept: string[] = [];
    for (const [name, attr] of attributes) {
      if (name === 'URI') {
        kept.push(`URI="${resolve(unquote(attr), role)}"`);
      } else if (!unquote(attr).includes('://')) {
        // A URL anywhere but URI names nothing we forward: it only tells where upstream is.
        kept.push(`${name}=${attr}`);
      }
    }
    if (kept.length) out.push(`#${tag}:${kept.join(',')}`);
  }
  if (!info.master) info.nextMsn = mediaSequence + segments;
  for (const n of [info.targetDuration, info.partTarget, info.nextMsn]) {
    if (n !== undefined && !Number.isFinite(n)) {
      throw new PlaylistError('upstream playlist has a malformed number');
    }
  }
  return { text: `${out.join('\n')}\n`, info };
}

/** An attribute list (`NAME=value,NAME="quoted, value"`), in order, or undefined if malformed. */
function parseAttributes(value: string): Map<string, string> | undefined {
  const attributes = new Map<string, string>();
  let rest = value;
  while (rest.trim() !== '') {
    const m = ATTRIBUTE.exec(rest);
    if (!m) return undefined;
    attributes.set(m[1]!, m[2]!);
    rest = rest.slice(m[0].length);
  }
  return attributes;
}

function unquote(value: string): string {
  return value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

function malformed(tag: string): PlaylistError {
  return new PlaylistError(`upstream playlist has a malformed ${tag} tag`);
}

function schemeFamily(protocol: string): string {
  return protocol === 'https:' ? 'http:' : protocol;
}

/** A file of a finished recording: an init section, or a segment with its length and date. */
export type RecordedFile =
  | { kind: 'init'; url: string }
  | {
      kind: 'segment';
      url: string;
      seconds: number;
      /** Epoch milliseconds, where the playlist dates it (directly or after a dated segment). */
      start?: number;
    };

/**
 * The files of a media playlist as `rewritePlaylist` writes it (tags normalised, URIs as mapped),
 * in order, each segment dated from the last EXT-X-PROGRAM-DATE-TIME plus the lengths since.
 * A file named twice (byte ranges of one file) is listed once, as long as all its ranges.
 */
export function recordedFiles(rewritten: string): RecordedFile[] {
  const files: RecordedFile[] = [];
  const seen = new Set<string>();
  let seconds = 0;
  let next: number | undefined;
  for (const line of rewritten.split('\n')) {
    if (line.startsWith('#EXTINF:')) {
      seconds = Number(line.slice('#EXTINF:'.length).replace(/,$/, ''));
    } else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) {
      const date = Date.parse(line.slice('#EXT-X-PROGRAM-DATE-TIME:'.length));
      next = Number.isNaN(date) ? undefined : date;
    } else if (line.startsWith('#EXT-X-MAP:')) {
      const url = /URI="([^"]*)"/.exec(line)?.[1];
      if (url !== undefined && !seen.has(url)) files.push({ kind: 'init', url });
      if (url !== undefined) seen.add(url);
    } else if (line === '#EXT-X-DISCONTINUITY') {
      next = undefined; // a gap of unknown length until the next date
    } else if (line !== '' && !line.startsWith('#')) {
      const last = files.at(-1);
      // A byte range of the file just listed lengthens it; the file is fetched whole.
      if (last?.kind === 'segment' && last.url === line) last.seconds += seconds;
      else if (!seen.has(line)) files.push({ kind: 'segment', url: line, seconds, start: next });
      seen.add(line);
      if (next !== undefined) next += seconds * 1000;
      seconds = 0;
    }
  }
  return files;
}
