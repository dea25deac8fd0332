import { z } from 'zod';
import { IdSchema, TimestampSchema } from '../domain/common.js';
import { REPLAY_SPEEDS } from '../replay/replay.js';

/** Validates a push to the wall (see `WallPushRequest` in events.ts). */
export const WallPushRequestSchema = z.object({
  target: z.string().min(1).max(64),
  command: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('incident'), incidentId: IdSchema }),
    z.object({ kind: z.literal('region'), regionId: IdSchema }),
    z.object({ kind: z.literal('cameras'), cameraIds: z.array(IdSchema).min(1).max(16) }),
    z.object({
      kind: z.literal('replay'),
      from: TimestampSchema,
      to: TimestampSchema,
      position: TimestampSchema,
      speed: z.literal(REPLAY_SPEEDS),
      playing: z.boolean(),
      area: IdSchema.optional(),
    }),
    z.object({ kind: z.literal('live') }),
    z.object({
      kind: z.literal('layout'),
      layout: z.union([z.literal(1), z.literal(4), z.literal(6), z.literal(9), z.literal(16)]),
    }),
  ]),
});
