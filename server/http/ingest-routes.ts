import { Router } from 'express';
import { ReportBatchSchema, ReportInputSchema } from '../../shared/index.js';
import { bearer, type Auth } from '../auth/auth.js';
import { HttpError } from '../http-error.js';
import type { IngestService, IntakeOutcome } from '../ingest/service.js';
import type { Metrics } from '../metrics.js';
import { handle, parse } from './middleware.js';

export type IntakeRoute = 'report' | 'batch';

/** An intake answer before it is written, whichever way the request came in. */
export interface IntakeAnswer {
  status: number;
  body: unknown;
}

/**
 * The public integration API (grid-worker apps, the hotline, video analytics, patrols) apart
 * from its HTTP plumbing, shared by the Express routes and the server's fast path.
 */
export class IntakeEndpoint {
  constructor(
    private readonly auth: Auth,
    private readonly ingest: IngestService,
    private readonly metrics: Metrics,
  ) {}

  /** Answers a parsed body, or throws an HttpError saying what was wrong. */
  async answer(
    route: IntakeRoute,
    authorization: string | undefined,
    body: unknown,
  ): Promise<IntakeAnswer> {
    const integration = this.gate(authorization);
    if (route === 'report') {
      const [outcome] = await this.ingest.submit([parse(ReportInputSchema, body)], integration);
      this.record([outcome!]);
      return { status: outcome!.result === 'created' ? 201 : 200, body: outcome };
    }
    const { reports } = parse(ReportBatchSchema, body);
    const outcomes = await this.ingest.submit(reports, integration);
    this.record(outcomes);
    return { status: 200, body: { results: outcomes } };
  }

  /**
   * The integration behind a key, or a 401: checked before the body is read, so a client
   * without a key cannot make the server read (and parse) megabytes for nothing.
   */
  gate(authorization: string | undefined): string {
    const integration = this.auth.integration(bearer(authorization));
    if (!integration)
      throw new HttpError(401, 'unknown or missing integration key (Authorization: Bearer <key>)', {
        code: 'intake_key_invalid',
      });
    return integration;
  }

  /** Refused reports count too: a rising "rejected" is an integration to call. */
  refused(status: number): void {
    this.metrics.count('citybrain_intake_reports_total', 'reports taken in, by result', 1, {
      result: `rejected-${status}`,
    });
  }

  private record(outcomes: IntakeOutcome[]): void {
    for (const o of outcomes) {
      this.metrics.count('citybrain_intake_reports_total', 'reports taken in, by result', 1, {
        result: o.result,
      });
    }
  }
}

/** The intake routes through Express: what the fast path leaves (other encodings, charsets). */
export function ingestRoutes(endpoint: IntakeEndpoint): Router {
  const router = Router();
  router.use('/reports', (_req, res, next) => {
    res.on('finish', () => {
      if (res.statusCode >= 400) endpoint.refused(res.statusCode);
    });
    next();
  });
  const route = (name: IntakeRoute) =>
    handle(async (req, res) => {
      const { status, body } = await endpoint.answer(name, req.headers.authorization, req.body);
      res.status(status).json(body);
    });
  router.post('/reports', route('report'));
  router.post('/reports/batch', route('batch'));
  return router;
}
