import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CategorySchema, IdSchema, LngLatSchema } from '../../shared/index.js';

/**
 * A place that produces the same kind of trouble again and again (矛盾纠纷多发点). Only the
 * demo simulator reads these, from the package's simulation/ folder; a city without them is
 * simulated from its grids and cameras alone.
 */
export const HotspotSchema = z.object({
  id: IdSchema,
  name: z.string().min(1),
  /** The grid the hot spot lies in. */
  gridId: IdSchema,
  position: LngLatSchema,
  category: CategorySchema,
  /** Relative weight among hot spots of the same category. */
  weight: z.number().positive(),
});
export type Hotspot = z.infer<typeof HotspotSchema>;

export function loadHotspots(cityDir: string): Hotspot[] {
  const file = join(cityDir, 'simulation', 'hotspots.json');
  if (!existsSync(file)) return [];
  return z.array(HotspotSchema).parse(JSON.parse(readFileSync(file, 'utf8')));
}
