import type { AttachmentInfo } from '../../../shared/domain/attachments.js';
import { apiUpload } from './http.js';

export type { AttachmentInfo, AttachmentLink } from '../../../shared/domain/attachments.js';
export { ATTACHMENT_MAX_BYTES, MAX_PHOTOS } from '../../../shared/domain/attachments.js';

/**
 * Uploads one photo as it came from the camera (JPEG, PNG, WebP or HEIC, up to 10 MB). The
 * answer's id is the stored photo's hash: uploading the same bytes again is harmless, which is
 * what a phone retrying after a lost answer needs.
 */
export function uploadPhoto(photo: Blob): Promise<AttachmentInfo> {
  return apiUpload<AttachmentInfo>('/api/v1/attachments', photo);
}
