import type { z } from 'zod';
import type {
  Actor,
  FieldReportSchema,
  IntakeOutcome,
  ReportInputParsed,
} from '../../shared/index.js';
import type { IngestService } from '../ingest/service.js';

export type FieldReportParsed = z.output<typeof FieldReportSchema>;

/**
 * A grid worker's or patrol's report (上报) from the phone, under their own name: intake's
 * rules (dedup on the phone's own external id, grid by point in polygon, joining a nearby open
 * incident), and for 小事一格处理 opened and closed in one step (自行处置). The phones' route
 * and the demo's simulated grid workers both come through here.
 */
export async function submitFieldReport(
  ingest: IngestService,
  actor: Actor & { role: 'grid' | 'patrol' },
  report: FieldReportParsed,
): Promise<IntakeOutcome> {
  const input: ReportInputParsed = {
    source: actor.role === 'patrol' ? 'patrol' : 'grid-worker',
    externalId: report.externalId,
    category: report.category,
    ...(report.severity ? { severity: report.severity } : {}),
    ...(report.groupRisk !== undefined ? { groupRisk: report.groupRisk } : {}),
    title: report.title,
    description: report.description,
    location: report.location,
    time: report.time,
    reporter: actor.name,
  };
  const [outcome] = await ingest.submit([input], phoneIntegration(actor.id), {
    actor,
    photos: report.photos,
    ...(report.selfHandled
      ? {
          settle: {
            resolution: 'self-handled',
            comment: report.selfHandled.comment,
            photos: report.selfHandled.photos,
          },
        }
      : {}),
  });
  return outcome!;
}

/** A phone's reports are keyed by its user: its external ids are its own. */
export function phoneIntegration(username: string): string {
  return `user:${username}`;
}
