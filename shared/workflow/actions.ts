import { z } from 'zod';
import { PhotosSchema } from '../domain/attachments.js';
import { IdSchema, TimestampSchema } from '../domain/common.js';
import { CentreLevelSchema, SubCentreLevelSchema } from '../domain/levels.js';

const base = {
  /** The incident version the actor saw; a stale one is refused (optimistic concurrency). */
  version: z.number().int().positive(),
  comment: z.string().trim().max(2000).optional(),
  /** Photos taken for this step (uploaded first, POST /api/v1/attachments). */
  photos: PhotosSchema.optional(),
};

/** What a desk or an integration asks the workflow to do, one shape per action. */
export const ActionRequestSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('accept'), ...base }),
  z.object({ action: z.literal('reject'), ...base }),
  z.object({
    action: z.literal('dispatch'),
    ...base,
    departmentId: IdSchema,
    /** Defaults to the category's respond limit. */
    dueAt: TimestampSchema.optional(),
  }),
  z.object({
    action: z.literal('whistle'),
    ...base,
    departmentIds: z.array(IdSchema).min(2).max(12),
    dueAt: TimestampSchema.optional(),
  }),
  z.object({ action: z.literal('respond'), ...base, departmentId: IdSchema }),
  z.object({ action: z.literal('report'), ...base, departmentId: IdSchema }),
  z.object({ action: z.literal('return'), ...base, departmentId: IdSchema.optional() }),
  z.object({ action: z.literal('extend'), ...base, dueAt: TimestampSchema }),
  z.object({ action: z.literal('close'), ...base }),
  z.object({ action: z.literal('reopen'), ...base }),
  z.object({
    action: z.literal('evaluate'),
    ...base,
    rating: z.number().int().min(1).max(5),
  }),
  z.object({ action: z.literal('note'), ...base }),
  z.object({ action: z.literal('assign'), ...base, gridWorkerId: IdSchema }),
  /** 核查: whether the result holds on the spot. */
  z.object({ action: z.literal('check'), ...base, passed: z.boolean() }),
  z.object({
    action: z.literal('ask-extension'),
    ...base,
    departmentId: IdSchema,
    dueAt: TimestampSchema,
  }),
  z.object({ action: z.literal('deny-extension'), ...base }),
  z.object({ action: z.literal('supervise'), ...base }),
  z.object({ action: z.literal('remind'), ...base }),
  z.object({
    action: z.literal('send-patrol'),
    ...base,
    patrolIds: z.array(IdSchema).min(1).max(6),
  }),
  /** 上报/提级 to the next level with a centre, or to the one named (a grave matter skips one). */
  z.object({ action: z.literal('escalate'), ...base, to: CentreLevelSchema.optional() }),
  /** 下派 to the centre of that level for the incident's place. */
  z.object({ action: z.literal('assign-down'), ...base, to: SubCentreLevelSchema }),
  z.object({ action: z.literal('take'), ...base }),
]);
export type ActionRequest = z.infer<typeof ActionRequestSchema>;
