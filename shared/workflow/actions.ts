import { z } from 'zod';
import { IdSchema, TimestampSchema } from '../domain/common.js';

const base = {
  /** The incident version the actor saw; a stale one is refused (optimistic concurrency). */
  version: z.number().int().positive(),
  comment: z.string().trim().max(2000).optional(),
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
]);
export type ActionRequest = z.infer<typeof ActionRequestSchema>;
