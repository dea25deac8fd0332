import { z } from 'zod';
import { IdSchema, LngLatSchema, type Role } from './common.js';

export const CAMERA_KINDS = ['fixed', 'ptz', 'dome'] as const;
export const CameraKindSchema = z.enum(CAMERA_KINDS);
export type CameraKind = z.infer<typeof CameraKindSchema>;

export const CAMERA_STATUSES = ['online', 'stale', 'offline'] as const;
export const CameraStatusSchema = z.enum(CAMERA_STATUSES);
export type CameraStatus = z.infer<typeof CameraStatusSchema>;

/** Where a camera stands, which is why it was put there. */
export const CAMERA_SITES = [
  'crossing',
  'main-road',
  'school',
  'hospital',
  'market',
  'residential',
  'village-road',
  'riverside',
  'transport',
  'other',
] as const;
export const CameraSiteSchema = z.enum(CAMERA_SITES);
export type CameraSite = z.infer<typeof CameraSiteSchema>;

/**
 * A 雪亮工程 camera point as the browser sees it. Deliberately without the upstream
 * URL or credentials: those live in the server-only camera registry.
 */
export const CameraSchema = z.object({
  id: IdSchema,
  name: z.string().min(1),
  position: LngLatSchema,
  /** Facing direction in degrees clockwise from north, 0-360. */
  bearing: z.number().min(0).lt(360),
  /** Horizontal view angle in degrees. */
  fov: z.number().gt(0).max(360),
  /** How far the camera usefully sees, in metres. */
  range: z.number().positive(),
  /** The grid the camera stands in. */
  regionId: IdSchema,
  kind: CameraKindSchema,
  site: CameraSiteSchema,
  status: CameraStatusSchema,
});
export type Camera = z.infer<typeof CameraSchema>;

/**
 * Who may play a camera's recordings back (回放): the desk, the wall's operators and leaders.
 * Recordings are evidence and someone's past movements, so the loop's other roles see live only.
 */
export const PLAYBACK_ROLES: readonly Role[] = ['duty', 'operator', 'leader'];
/** Who may take a clip of the recordings away as a file (执法取证). */
export const CLIP_ROLES: readonly Role[] = ['duty', 'operator'];
/** Who may report what a tile shows (视频巡查上报): those who register reports at the centre. */
export const VIDEO_REPORT_ROLES: readonly Role[] = ['duty', 'operator'];
