import { apiFetch } from './http.js';

export interface StreamGrant {
  /** Our own server's playlist URL for one camera, with its short-lived token. */
  url: string;
  expiresAt: string;
}

/** Asks the server for a camera's stream URL; upstream addresses never reach the browser. */
export function requestStream(cameraId: string): Promise<StreamGrant> {
  return apiFetch<StreamGrant>(`/api/v1/cameras/${encodeURIComponent(cameraId)}/stream`, {
    method: 'POST',
  });
}
