import { z } from 'zod';
import { CATEGORIES, IdSchema } from '../../shared/index.js';
import { DELIVERY_STATUSES } from './types.js';

const ids = z.array(IdSchema).max(500);

// Strict, so a misspelt filter (`regions`, `department`) is refused, not read as "everything".
export const FilterSchema = z.strictObject({
  departmentIds: ids.optional(),
  regionIds: ids.optional(),
  categories: z.array(z.enum(CATEGORIES)).max(100).optional(),
  events: z
    .array(z.string().regex(/^incident\.[a-z-]+$/, 'an event name such as incident.created'))
    .max(100)
    .optional(),
});

const fields = {
  name: z.string().trim().min(1).max(100),
  /** Checked for its scheme and shape apart (url.ts), for a code of its own. */
  url: z.string().trim().min(1).max(2000),
  filter: FilterSchema,
  active: z.boolean(),
};

export const CreateSchema = z.strictObject({
  ...fields,
  filter: FilterSchema.default({}),
  active: z.boolean().default(true),
});

export const PatchSchema = z.strictObject(fields).partial();

export const DeliveryQuerySchema = z.strictObject({
  status: z.enum(DELIVERY_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
