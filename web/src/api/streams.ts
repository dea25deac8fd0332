import { apiFetch } from './http.js';

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

/** The route's screen: the first path segment, as the router names screens (`/wall`). */
function currentScreen(): string | undefined {
  const name = window.location.pathname.split('/')[1] ?? '';
  return /^[a-z][a-z0-9_-]{0,23}$/.test(name) ? name : undefined;
}
