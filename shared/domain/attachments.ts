import { z } from 'zod';
import { LngLatSchema, TimestampSchema } from './common.js';

/** A photo's id: the SHA-256 of its stored bytes, so the same photo sent twice is one file. */
export const AttachmentIdSchema = z.string().regex(/^[0-9a-f]{64}$/, 'an attachment id (sha-256)');

/** Photos one report or one action may carry. */
export const MAX_PHOTOS = 6;
export const PhotosSchema = z.array(AttachmentIdSchema).max(MAX_PHOTOS);

/** The image types kept; HEIC from phones is converted to JPEG on arrival. */
export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
/** The largest upload taken, before conversion. */
export const ATTACHMENT_MAX_BYTES = 10 * 2 ** 20;

/** A stored photo as the uploader and every screen see it; its file kept no other metadata. */
export interface AttachmentInfo {
  id: string;
  type: (typeof ATTACHMENT_TYPES)[number];
  bytes: number;
  width: number;
  height: number;
  /** When the photo was taken, from its EXIF, if it said. */
  takenAt?: string;
  /** Where it was taken (WGS84), from its EXIF GPS, if it said. */
  position?: [number, number];
}

/** A photo on a screen: short-lived URLs of the image and its thumbnail. */
export interface AttachmentLink extends AttachmentInfo {
  url: string;
  thumbUrl: string;
  expiresAt: string;
}

export const AttachmentInfoSchema = z.object({
  id: AttachmentIdSchema,
  type: z.enum(ATTACHMENT_TYPES),
  bytes: z.number().int().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  takenAt: TimestampSchema.optional(),
  position: LngLatSchema.optional(),
});
