import { Router } from 'express';
import { ReportBatchSchema, ReportInputSchema } from '../../shared/index.js';
import { bearer, type Auth } from '../auth/auth.js';
import { HttpError } from '../http-error.js';
import type { IngestService, IntakeOutcome } from '../ingest/service.js';
import type { Metrics } from '../metrics.js';
import { handle, parse } from './middleware.js';

/** The public integration API: grid-worker apps, the hotline, video analytics, patrols. */
export function ingestRoutes(auth: Auth, ingest: IngestService, metrics: Metrics): Router {
  const router = Router();
  const integrationOf = (header: string | undefined) => {
    const integration = auth.integration(bearer(header));
    if (!integration)
      throw new HttpError(401, 'unknown or missing integration key (Authorization: Bearer <key>)');
    return integration;
  };
  const record = (outcomes: IntakeOutcome[]) => {
    for (const o of outcomes) {
      metrics.count('citybrain_intake_reports_total', 'reports taken in, by result', 1, {
        result: o.result,
      });
    }
  };
  // Refused reports count too: a rising "rejected" is an integration to call.
  router.use('/reports', (_req, res, next) => {
    res.on('finish', () => {
      if (res.statusCode >= 400) {
        metrics.count('citybrain_intake_reports_total', 'reports taken in, by result', 1, {
          result: `rejected-${res.statusCode}`,
        });
      }
    });
    next();
  });
  router.post(
    '/reports',
    handle(async (req, res) => {
      const integration = integrationOf(req.headers.authorization);
      const report = parse(ReportInputSchema, req.body);
      const [outcome] = await ingest.submit([report], integration);
      record([outcome!]);
      res.status(outcome!.result === 'created' ? 201 : 200).json(outcome);
    }),
  );
  router.post(
    '/reports/batch',
    handle(async (req, res) => {
      const integration = integrationOf(req.headers.authorization);
      const { reports } = parse(ReportBatchSchema, req.body);
      const outcomes = await ingest.submit(reports, integration);
      record(outcomes);
      res.status(200).json({ results: outcomes });
    }),
  );
  return router;
}
