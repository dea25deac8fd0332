import { CLIP_ROLES, PLAYBACK_ROLES, VIDEO_REPORT_ROLES } from '../../../shared/domain/cameras.js';
import { useRoleIn } from './useRoleIn.js';

/** Whether this user may play recordings back (回放); the server checks again. */
export function useCanPlayBack() {
  return useRoleIn(PLAYBACK_ROLES);
}

/** Whether this user may take a clip of the recordings away (执法取证). */
export function useCanExportClips() {
  return useRoleIn(CLIP_ROLES);
}

/** Whether this user may report what a tile shows (视频巡查上报). */
export function useCanReportFromVideo() {
  return useRoleIn(VIDEO_REPORT_ROLES);
}
