import { z } from 'zod';
import { PhotosSchema } from '../domain/attachments.js';
import { CrsSchema } from '../domain/city.js';
import { IdSchema, LngLatSchema } from '../domain/common.js';
import { PatrolStatusSchema } from '../domain/organisation.js';
import {
  CategorySchema,
  ContactSchema,
  SeveritySchema,
  type IncidentSummary,
} from '../domain/incidents.js';
import { RECEPTION_CHANNELS } from '../domain/vocabulary.js';

/** A place as a phone or a desk gives it: a point, the system it is in, how sure it is. */
export const PlaceInputSchema = z.object({
  lng: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
  /** GCJ-02 from 高德/腾讯 SDKs, BD-09 from 百度; converted to WGS84 on arrival. */
  crs: CrsSchema.optional(),
  /** The GPS fix's accuracy in metres, as the phone reported it. */
  accuracy: z.number().nonnegative().max(100_000).optional(),
});

/**
 * POST /api/v1/field/reports: a grid worker's or patrol's report (上报) from the phone, under
 * their own identity. The phone makes `externalId` once, when the report is written, and sends
 * it again on every retry: a report sent twice makes one incident.
 */
export const FieldReportSchema = z.object({
  externalId: z.string().min(8).max(128),
  category: CategorySchema,
  severity: SeveritySchema.optional(),
  groupRisk: z.boolean().optional(),
  title: z.string().trim().min(1).max(200),
  description: z.string().max(4000).default(''),
  location: PlaceInputSchema,
  /** When the worker wrote it, which may be long before it reached us (offline). */
  time: z.iso.datetime({ offset: true }),
  photos: PhotosSchema.default([]),
  /**
   * 小事一格处理: the worker settled it on the spot. The incident is opened and closed in one step
   * (自行处置), with what was done and a photo of the result.
   */
  selfHandled: z
    .object({ comment: z.string().trim().min(1).max(2000), photos: PhotosSchema.min(1) })
    .optional(),
});
export type FieldReport = z.input<typeof FieldReportSchema>;

/**
 * POST /api/v1/registrations: the reception's registration (登记) of a walk-in, a call or a
 * letter. With `answer` it is 即办: answered on the spot, registered and closed in one step.
 */
export const RegistrationSchema = z.object({
  channel: z.enum(RECEPTION_CHANNELS),
  contact: ContactSchema,
  category: CategorySchema,
  severity: SeveritySchema.optional(),
  groupRisk: z.boolean().optional(),
  title: z.string().trim().min(1).max(200),
  description: z.string().max(4000).default(''),
  location: PlaceInputSchema,
  photos: PhotosSchema.default([]),
  answer: z.string().trim().min(1).max(2000).optional(),
});
export type Registration = z.input<typeof RegistrationSchema>;

/**
 * POST /api/v1/cameras/:id/reports: what an operator saw on a camera's tile (视频巡查), reported
 * from the tile with the picture on screen. The place is the camera's; `seenAt` is when the
 * picture was recorded (now on a live tile, the recording's time on one played back).
 */
export const VideoPatrolReportSchema = z.object({
  category: CategorySchema,
  severity: SeveritySchema.optional(),
  title: z.string().trim().min(1).max(200),
  description: z.string().max(4000).default(''),
  /** The snapshot first; at least it. */
  photos: PhotosSchema.min(1, 'the snapshot of the picture is missing'),
  seenAt: z.iso.datetime({ offset: true }),
});
export type VideoPatrolReport = z.input<typeof VideoPatrolReportSchema>;

/** What intake answers for one report: made a new incident, joined one, or was seen before. */
export interface IntakeOutcome {
  result: 'created' | 'attached' | 'duplicate';
  reportId: string;
  incidentId: string;
}

/** POST /api/v1/field/position: where the phone is, every 30 s while on duty. */
export const FieldPositionSchema = PlaceInputSchema.extend({
  heading: z.number().min(0).lt(360).optional(),
  /** When the fix was taken; now when absent. */
  at: z.iso.datetime({ offset: true }).optional(),
});

/**
 * POST /api/v1/patrols/positions, with an integration key: a patrol-tracking system's positions
 * (警务终端, 执法记录仪 GPS). The demo's simulated patrols come in the same way.
 */
export const PatrolPositionsSchema = z.object({
  positions: z
    .array(
      z.object({
        id: IdSchema,
        position: LngLatSchema,
        crs: CrsSchema.optional(),
        heading: z.number().min(0).lt(360).optional(),
        status: PatrolStatusSchema.optional(),
      }),
    )
    .min(1)
    .max(1000),
});
export type PatrolPositions = z.input<typeof PatrolPositionsSchema>;

/** GET /api/v1/field/tasks: the phone's own work, newest first. */
export interface FieldTasksResponse {
  /** Incidents assigned to this grid worker, or that this patrol was sent to, still to do. */
  tasks: IncidentSummary[];
  /** What this worker reported lately (the last 7 days). */
  reported: IncidentSummary[];
}
