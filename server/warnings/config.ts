import { z } from 'zod';
import { CATEGORIES, WARNING_LEVELS } from '../../shared/index.js';

const level = (fallback: (typeof WARNING_LEVELS)[number]) =>
  z.enum(WARNING_LEVELS).default(fallback);

/**
 * The early-warning rules (预警, docs/WARNINGS.md): each can be switched off, and each says the
 * colour it raises and where its thresholds lie.
 */
export const WarningsConfigSchema = z
  .object({
    /** A matter flagged as a group risk (群体性) when it is reported: a warning at once. */
    groupRisk: z.object({ enabled: z.boolean().default(true), level: level('red') }).prefault({}),
    /** The same kind of matter again and again at one place (e.g. ≥ 3 disputes within 200 m in 7 days). */
    repeatMatter: z
      .object({
        enabled: z.boolean().default(true),
        level: level('orange'),
        categories: z.array(z.enum(CATEGORIES)).min(1).default(['dispute']),
        count: z.number().int().min(2).max(1000).default(3),
        radiusM: z.number().positive().max(5_000).default(200),
        days: z.number().positive().max(90).default(7),
      })
      .prefault({}),
    /** A department holding this many matters past their deadline. */
    departmentOverdue: z
      .object({
        enabled: z.boolean().default(true),
        level: level('yellow'),
        count: z.number().int().min(1).max(10_000).default(5),
      })
      .prefault({}),
    /** A camera within `radiusM` of a key place (重点场所) of level `placeLevel` or higher, offline. */
    keyCameraOffline: z
      .object({
        enabled: z.boolean().default(true),
        level: level('yellow'),
        radiusM: z.number().positive().max(2_000).default(150),
        placeLevel: z.number().int().min(1).max(3).default(2),
      })
      .prefault({}),
    /**
     * A grid's last 7 days against its own weekly mean over up to `weeks` weeks before: a warning
     * when so many or more would come by chance with probability under `p` (Poisson upper tail),
     * and at least `minCount` came. Quiet until the grid's history covers `minWeeks` weeks.
     */
    gridSurge: z
      .object({
        enabled: z.boolean().default(true),
        level: level('yellow'),
        p: z.number().gt(0).max(0.2).default(0.01),
        weeks: z.number().int().min(2).max(52).default(8),
        minWeeks: z.number().int().min(1).max(52).default(4),
        minCount: z.number().int().min(1).max(1000).default(5),
      })
      .prefault({}),
  })
  .prefault({});
export type WarningsConfig = z.infer<typeof WarningsConfigSchema>;
