import { z } from 'zod';
import { PhotosSchema } from './attachments.js';
import { IdSchema, LngLatSchema, RoleSchema, TimestampSchema } from './common.js';
import { HandoverSchema, SubCentreLevelSchema } from './levels.js';
import { CATEGORIES, INCIDENT_STATES, SEVERITIES, SOURCES } from './vocabulary.js';

export { CATEGORIES, INCIDENT_STATES, SEVERITIES, SOURCES };
export const CategorySchema = z.enum(CATEGORIES);
export type Category = z.infer<typeof CategorySchema>;

export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

export const SourceSchema = z.enum(SOURCES);
export type Source = z.infer<typeof SourceSchema>;

export const IncidentStateSchema = z.enum(INCIDENT_STATES);
export type IncidentState = z.infer<typeof IncidentStateSchema>;

export const ACTIONS = [
  'accept',
  'reject',
  'dispatch',
  'whistle',
  'respond',
  'report',
  'return',
  'extend',
  'close',
  'reopen',
  'evaluate',
  'note',
  'assign',
  // 核查: the grid worker checks the result on the spot before the desk closes.
  'check',
  // 申请延期 by a department; the duty officer grants it (extend) or refuses it.
  'ask-extension',
  'deny-extension',
  // 督办 and 催办: the centre supervises or reminds the departments on a case.
  'supervise',
  'remind',
  // Sends patrol teams to the place.
  'send-patrol',
  // 上报/提级: a centre hands a matter it cannot settle to the level above.
  'escalate',
  // 下派: a centre hands a matter to a centre below it.
  'assign-down',
  // 接收: the receiving centre takes a matter handed to it, or a higher one takes it up (上收).
  'take',
] as const;
export const ActionNameSchema = z.enum(ACTIONS);
export type ActionName = z.infer<typeof ActionNameSchema>;

/** Each step of the loop that runs against a clock (限时办结). */
export const DEADLINE_STEPS = [
  'accept',
  'dispatch',
  'respond',
  'handle',
  'verify',
  'evaluate',
] as const;
export const DeadlineStepSchema = z.enum(DEADLINE_STEPS);
export type DeadlineStep = z.infer<typeof DeadlineStepSchema>;

export const DeadlineSchema = z.object({
  step: DeadlineStepSchema,
  dueAt: TimestampSchema,
  /** How many times it was extended (延期). */
  extensions: z.number().int().nonnegative(),
  /** Whether this deadline's passing was already flagged (超期预警), so it is flagged once. */
  flagged: z.boolean(),
});
export type Deadline = z.infer<typeof DeadlineSchema>;

/** One department's part in a dispatch; a whistle (吹哨) has several, each must respond. */
export const AssignmentSchema = z.object({
  departmentId: IdSchema,
  /** 签收/报到: when the department took it on; null until then. */
  respondedAt: TimestampSchema.nullable(),
  /** When the department reported its result; null until then. */
  reportedAt: TimestampSchema.nullable(),
});
export type Assignment = z.infer<typeof AssignmentSchema>;

export const ActorSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  /** A user's role, or who else writes to the timeline: integrations and the server's clock. */
  role: z.union([RoleSchema, z.enum(['integration', 'system'])]),
  /** The department a `department` actor acts for: it acts for no other. */
  departmentId: IdSchema.optional(),
  /** The grid worker a `grid` actor is: it acts on its own incidents only. */
  gridWorkerId: IdSchema.optional(),
  /** The patrol team a `patrol` actor is: it acts on incidents it was sent to. */
  patrolId: IdSchema.optional(),
  /** The sub-centre an actor works for (a street's or a community's); absent: the city's. */
  regionId: IdSchema.optional(),
  /** That sub-centre's level, as the server found it when the actor acted. */
  regionLevel: SubCentreLevelSchema.optional(),
});
export type Actor = z.infer<typeof ActorSchema>;

export const TimelineEntrySchema = z.object({
  at: TimestampSchema,
  /**
   * A workflow action, or what the system itself recorded: intake, passed deadlines, and the
   * two one-step closures (RESOLUTIONS).
   */
  action: z.union([
    ActionNameSchema,
    z.enum(['created', 'report-attached', 'overdue', 'self-handle', 'answer']),
  ]),
  actor: ActorSchema,
  from: IncidentStateSchema.nullable(),
  to: IncidentStateSchema,
  comment: z.string().optional(),
  /** Action details worth showing later: departments, rating, new deadline, report id. */
  detail: z.record(z.string(), z.unknown()).optional(),
  /** Photos the actor took (attachment ids). */
  photos: PhotosSchema.optional(),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

/**
 * Matters closed in one step, outside the loop, and counted apart: 自行处置 (a grid worker
 * settled it on the spot) and 即办 (the reception answered an enquiry there and then).
 */
export const RESOLUTIONS = ['self-handled', 'immediate'] as const;
export const ResolutionSchema = z.enum(RESOLUTIONS);
export type Resolution = z.infer<typeof ResolutionSchema>;

/** The person who came, called or wrote (来访、来电、来信); shown masked except to duty officers. */
export const ContactSchema = z.object({
  name: z.string().trim().min(1).max(50),
  phone: z
    .string()
    .trim()
    .regex(/^[0-9+\- ]{5,20}$/, 'a phone number of digits'),
});
export type Contact = z.infer<typeof ContactSchema>;

/** A department's request for more time (申请延期), waiting for the duty officer. */
export const ExtensionRequestSchema = z.object({
  departmentId: IdSchema,
  dueAt: TimestampSchema,
  at: TimestampSchema,
});
export type ExtensionRequest = z.infer<typeof ExtensionRequestSchema>;

export const IncidentSchema = z.object({
  id: IdSchema,
  /** Bumped by every change; actions name the version they saw (optimistic concurrency). */
  version: z.number().int().positive(),
  title: z.string().min(1).max(200),
  description: z.string().max(4000),
  category: CategorySchema,
  severity: SeveritySchema,
  /** 群体性事件风险: could turn into a group incident. */
  groupRisk: z.boolean(),
  source: SourceSchema,
  location: LngLatSchema,
  gridId: IdSchema,
  communityId: IdSchema,
  streetId: IdSchema,
  districtId: IdSchema,
  /**
   * The names of its grid, community, street and district when it was reported, so history
   * reads the same after the city package renames or removes a region. Absent on incidents
   * recorded before the names were kept.
   */
  areaNames: z
    .object({ grid: z.string(), community: z.string(), street: z.string(), district: z.string() })
    .optional(),
  cameraId: IdSchema.nullable(),
  state: IncidentStateSchema,
  assignments: z.array(AssignmentSchema),
  /** The grid worker it is assigned to, if any. */
  gridWorkerId: IdSchema.nullable(),
  deadline: DeadlineSchema.nullable(),
  reportedAt: TimestampSchema,
  updatedAt: TimestampSchema,
  closedAt: TimestampSchema.nullable(),
  rating: z.number().int().min(1).max(5).nullable(),
  reportCount: z.number().int().positive(),
  /** Whether any step's deadline passed (counts against the on-time rate). */
  wasOverdue: z.boolean(),
  timeline: z.array(TimelineEntrySchema),
  /** How it closed when it skipped the loop; absent or null for the loop's own closing. */
  resolution: ResolutionSchema.nullable().optional(),
  /** Who came, called or wrote, for a registration at the reception. Never in summaries. */
  contact: ContactSchema.optional(),
  /** Patrol teams sent to it (send-patrol). */
  patrolIds: z.array(IdSchema).optional(),
  /** A department's request for more time, until the duty officer answers it. */
  extensionRequest: ExtensionRequestSchema.nullable().optional(),
  /** The sub-centre level holding it (its own region of that level); absent: the city's. */
  centreLevel: SubCentreLevelSchema.optional(),
  /** A handover between levels the receiving centre has not taken yet. */
  handover: HandoverSchema.optional(),
  /** When the centre last supervised (督办) or reminded (催办) the departments. */
  supervisedAt: TimestampSchema.nullable().optional(),
  remindedAt: TimestampSchema.nullable().optional(),
});
export type Incident = z.infer<typeof IncidentSchema>;

/**
 * An incident as lists and the live stream carry it: everything but the timeline, the area names,
 * the description (a hotline's transcript can run to 4,000 characters) and the caller's contact,
 * which the detail view loads for those who may read them.
 * Every screen gets every change, so each byte here goes out hundreds of times.
 */
export type IncidentSummary = Omit<Incident, 'timeline' | 'description' | 'areaNames' | 'contact'>;

export function summarize({
  timeline: _timeline,
  description: _description,
  areaNames: _areaNames,
  contact: _contact,
  ...rest
}: Incident): IncidentSummary {
  return rest;
}
