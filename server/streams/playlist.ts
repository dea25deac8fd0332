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
  endList: boolean;
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

/**
 * Rewrites every URI of an HLS playlist (media or master, LL-HLS included) through `mapUri`,
 * which receives it resolved against the playlist's own URL. Tags and their order are kept, so
 * LL-HLS server control, parts, preload hints and rendition reports pass through unchanged but
 * for their URIs. Throws PlaylistError for anything that is not a playlist.
 */
export function rewritePlaylist(
  text: string,
  baseUrl: string,
  mapUri: (absoluteUrl: string, role: UriRole) => string,
): { text: string; info: PlaylistInfo } {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.replace(/^\uFEFF/, '').trim() !== '#EXTM3U') {
    throw new PlaylistError('upstream did not answer with an HLS playlist');
  }
  const info: PlaylistInfo = { master: false, endList: false };
  let mediaSequence = 0;
  let segments = 0;
  let nextIsVariant = false;
  const out: string[] = [];

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

  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith('#')) {
      const role: UriRole = nextIsVariant
        ? { kind: 'playlist', blocking: false, variant: true }
        : { kind: 'media', blocking: false };
      if (!nextIsVariant) segments++;
      nextIsVariant = false;
      out.push(resolve(line, role));
      continue;
    }
    if (!line.startsWith('#EXT')) continue; // comments may carry upstream details
    const colon = line.indexOf(':');
    const tag = line.slice(1, colon === -1 ? undefined : colon);
    const value = colon === -1 ? '' : line.slice(colon + 1);
    switch (tag) {
      case 'EXT-X-STREAM-INF':
        info.master = true;
        nextIsVariant = true;
        break;
      case 'EXT-X-TARGETDURATION':
        info.targetDuration = Number(value);
        break;
      case 'EXT-X-PART-INF':
        info.partTarget = Number(/PART-TARGET=([\d.]+)/.exec(value)?.[1]);
        break;
      case 'EXT-X-MEDIA-SEQUENCE':
        mediaSequence = Number(value);
        break;
      case 'EXT-X-SKIP':
        segments += Number(/SKIPPED-SEGMENTS=(\d+)/.exec(value)?.[1] ?? 0);
        break;
      case 'EXT-X-ENDLIST':
        info.endList = true;
        break;
      // A steering server would send players around us to upstream pathways.
      case 'EXT-X-CONTENT-STEERING':
        continue;
    }
    const role: UriRole = {
      kind: PLAYLIST_URI_TAGS.has(tag) ? 'playlist' : 'media',
      blocking: tag === 'EXT-X-PRELOAD-HINT',
    };
    out.push(
      line.replace(
        /([:,])URI="([^"]*)"/g,
        (_m, lead: string, uri: string) => `${lead}URI="${resolve(uri, role)}"`,
      ),
    );
  }
  if (!info.master) info.nextMsn = mediaSequence + segments;
  for (const n of [info.targetDuration, info.partTarget, info.nextMsn]) {
    if (n !== undefined && !Number.isFinite(n)) {
      throw new PlaylistError('upstream playlist has a malformed number');
    }
  }
  return { text: `${out.join('\n')}\n`, info };
}

function schemeFamily(protocol: string): string {
  return protocol === 'https:' ? 'http:' : protocol;
}
