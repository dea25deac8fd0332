import { z } from 'zod';
import { CrsSchema } from './city.js';
import { IdSchema, LngLatSchema, TimestampSchema } from './common.js';
import { CategorySchema, SeveritySchema, SourceSchema } from './incidents.js';

/** What an integration posts: one raw intake record (上报). */
export const ReportInputSchema = z.object({
  source: SourceSchema,
  /** The sender's own id for this report; (source, externalId) is the idempotency key. */
  externalId: z.string().min(1).max(128),
  category: CategorySchema,
  severity: SeveritySchema.optional(),
  groupRisk: z.boolean().optional(),
  title: z.string().trim().min(1).max(200),
  description: z.string().max(4000).default(''),
  location: z.object({
    lng: z.number().min(-180).max(180),
    lat: z.number().min(-90).max(90),
    /** The system the phone or integration measured in; converted to WGS84 on intake. */
    crs: CrsSchema.optional(),
  }),
  /** When it happened, as the sender saw it. */
  time: z.iso.datetime({ offset: true }),
  cameraId: IdSchema.optional(),
  reporter: z.string().max(100).optional(),
});
export type ReportInput = z.input<typeof ReportInputSchema>;
export type ReportInputParsed = z.output<typeof ReportInputSchema>;

export const REPORT_BATCH_MAX = 500;
export const ReportBatchSchema = z.object({
  reports: z.array(ReportInputSchema).min(1).max(REPORT_BATCH_MAX),
});

/** A stored report, attached to exactly one incident (many reports, one incident). */
export const ReportSchema = z.object({
  id: IdSchema,
  /** The integration whose key posted it: its external ids are its own (absent before v2). */
  integration: z.string().optional(),
  source: SourceSchema,
  externalId: z.string(),
  category: CategorySchema,
  severity: SeveritySchema.nullable(),
  title: z.string(),
  description: z.string(),
  location: LngLatSchema,
  time: TimestampSchema,
  receivedAt: TimestampSchema,
  cameraId: IdSchema.nullable(),
  reporter: z.string().nullable(),
  incidentId: IdSchema,
});
export type Report = z.infer<typeof ReportSchema>;
