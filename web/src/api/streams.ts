import { apiDownload, apiFetch } from './http.js';

export interface StreamGrant {
  /** Our own server's playlist URL for one camera, with its short-lived token. */
  url: string;
  expiresAt: string;
}

/**
 * Asks the server for a camera's stream URL; upstream addresses never reach the browser. The
 * screen asking (`wall`, `video`, `desk`, `brief`) goes along for the audit trail.
 */
export function requestStream(cameraId: string): Promise<StreamGrant> {
  return apiFetch<StreamGrant>(`/api/v1/cameras/${encodeURIComponent(cameraId)}/stream`, {
    method: 'POST',
    body: { screen: currentScreen() },
  });
}

export interface PlaybackGrant extends StreamGrant {
  /** The range the stream covers, as the server settled it (the end at most now). */
  start: string;
  end: string;
}

/**
 * A camera's recordings from `start` (to `end`, or as far as the server gives at once): a VOD
 * stream of our own server, its token as short-lived as a live one's.
 */
export function requestPlayback(cameraId: string, start: Date, end?: Date): Promise<PlaybackGrant> {
  return apiFetch<PlaybackGrant>(`/api/v1/cameras/${encodeURIComponent(cameraId)}/playback`, {
    method: 'POST',
    body: { start: start.toISOString(), end: end?.toISOString(), screen: currentScreen() },
  });
}

/** A clip of a camera's recordings as an MP4 file (for evidence), and the name the server gave. */
export function exportClip(cameraId: string, start: Date, end: Date) {
  return apiDownload(`/api/v1/cameras/${encodeURIComponent(cameraId)}/clips`, {
    start: start.toISOString(),
    end: end.toISOString(),
    screen: currentScreen(),
  });
}

/** The route's screen: the first path segment, as the router names screens (`/wall`). */
function currentScreen(): string | undefined {
  const name = window.location.pathname.split('/')[1] ?? '';
  return /^[a-z][a-z0-9_-]{0,23}$/.test(name) ? name : undefined;
}
