import { z } from 'zod';
import { RATE_FIGURES, type RateFigure } from '../../shared/index.js';

/** The rates an index may weigh: every rate of the figures, each 0..1. */
export const INDEX_FIGURES = RATE_FIGURES;
export type IndexFigure = RateFigure;

/**
 * 指数排行 (docs/STATISTICS.md): each indicator is one of the period's rates with a weight; a
 * rate where lower is better (重复投诉率) counts as its complement. Changing the weights is
 * configuration, not code.
 */
export const StatsConfigSchema = z
  .object({
    index: z
      .object({
        indicators: z
          .array(
            z.object({
              figure: z.enum(INDEX_FIGURES),
              weight: z.number().positive().max(100),
              higherIsBetter: z.boolean().default(true),
            }),
          )
          .min(1)
          .default([
            { figure: 'closeRate', weight: 25, higherIsBetter: true },
            { figure: 'onTimeRate', weight: 25, higherIsBetter: true },
            { figure: 'satisfaction', weight: 20, higherIsBetter: true },
            { figure: 'disputeResolveRate', weight: 20, higherIsBetter: true },
            { figure: 'repeatRate', weight: 10, higherIsBetter: false },
          ]),
      })
      .prefault({}),
  })
  .prefault({});
export type StatsConfig = z.infer<typeof StatsConfigSchema>;
