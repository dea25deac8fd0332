import express, {
  Router,
  type ErrorRequestHandler,
  type Request,
  type RequestHandler,
} from 'express';
import type { City, Incident } from '../../shared/index.js';
import { bearer } from '../auth/auth.js';
import { HttpError } from '../http-error.js';
import type { IntakeEndpoint } from '../http/ingest-routes.js';
import { BODY_LIMIT_BYTES, BODY_NOT_JSON, BODY_TOO_LARGE } from '../http/json-body.js';
import { handle } from '../http/middleware.js';
import type { IngestService } from '../ingest/service.js';
import type { Clock } from '../live/clock.js';
import { moduleLog } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Store } from '../store/store.js';
import {
  CATALOGUE_CHANGESET,
  isCategory,
  localeOf,
  serviceDefinition,
  serviceList,
  serviceNotice,
  type Locale,
} from './catalogue.js';
import { readQuery, readSubmission, toServiceRequest, type ViewContext } from './requests.js';

const log = moduleLog('open311');

export interface Open311Deps {
  /** The intake's key check: Open311 clients hold the same integration keys. */
  intake: Pick<IntakeEndpoint, 'gate' | 'refused'>;
  ingest: IngestService;
  store: Store;
  city: City;
  clock: Clock;
  metrics: Metrics;
  /** The centre's time zone, for dates given without one. */
  utcOffsetMinutes: number;
}

/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), JSON only, mounted at
 * /open311/v2: civic-reporting apps and back-office systems post and follow requests without
 * learning our API. Every refusal is Open311's error array, `[{ code, description }]`.
 */
export function open311Routes(deps: Open311Deps): Router {
  const router = Router();
  const departments = new Map(deps.city.departments.map((d) => [d.id, d.name]));
  const regions = new Map(
    deps.city.regions.features.map((f) => [f.properties.id, f.properties.name]),
  );
  const view = (locale: Locale): ViewContext => ({
    locale,
    departmentName: (id) => departments.get(id),
    regionName: (id) => regions.get(id),
  });
  const locale = (req: Request) => localeOf(req.query, req.headers['accept-language']);

  // The catalogue is public, as Open311 intends: it names categories, no incident. A client
  // reads it before it has a key; key_service says where to get one.
  router.get('/discovery.json', (req, res) => {
    const base = `${req.protocol}://${req.host}${req.baseUrl}`;
    res.json({
      changeset: CATALOGUE_CHANGESET,
      contact: `${deps.city.info.name} 社会治理综合指挥中心 (city command centre): ask its administrators`,
      key_service:
        'An integration key from the centre’s administrators (npm run user -- key add <name>), sent as api_key',
      endpoints: [
        {
          specification: 'http://wiki.open311.org/GeoReport_v2',
          url: base,
          changeset: CATALOGUE_CHANGESET,
          type: 'production',
          formats: ['application/json'],
        },
      ],
    });
  });
  router.get('/services.json', (req, res) => void res.json(serviceList(locale(req))));
  router.get('/services/:file', (req, res) => {
    const code = jsonName(String(req.params.file));
    if (!isCategory(code)) throw new HttpError(404, `service_code: no service ${code}`);
    res.json(serviceDefinition(code, locale(req)));
  });

  // Like the intake, a key sent in the header or the query is checked before the body is read,
  // and a refused one closes the connection; a key in a form body (Open311's usual place) can
  // only be checked once the body, at most the intake's 1 MB, has been read.
  router.post('/requests.json', (req, res, next) => {
    res.on('finish', () => {
      if (res.statusCode >= 400) deps.intake.refused(res.statusCode);
    });
    if (outsideBody(req) !== undefined) {
      try {
        integrationOf(deps, req);
      } catch (err) {
        res.setHeader('connection', 'close');
        throw err;
      }
    }
    next();
  });
  router.post(
    '/requests.json',
    refuseOtherTypes,
    express.urlencoded({ extended: false, limit: BODY_LIMIT_BYTES }),
    express.json({ limit: BODY_LIMIT_BYTES }),
    handle(async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const integration = integrationOf(deps, req, body);
      const submission = readSubmission(body, deps.clock());
      const { input, contact } = submission;
      const [outcome] = await submitted(() =>
        deps.ingest.submit([input], integration, {
          // The integration is who posted it; the citizen's name stays on the report.
          actor: { id: `integration:${integration}`, name: integration, role: 'integration' },
          ...(contact ? { contact } : {}),
        }),
      );
      deps.metrics.count('citybrain_intake_reports_total', 'reports taken in, by result', 1, {
        result: outcome!.result,
      });
      const lang = locale(req);
      const notice = serviceNotice(input.category, lang);
      const said = {
        created: '',
        attached:
          lang === 'zh' ? '已并入附近同类在办事项。' : 'Joined an open case reported nearby. ',
        duplicate:
          lang === 'zh'
            ? '此前已收到（external_id 相同）。'
            : 'Received before (same external_id). ',
      }[outcome!.result];
      res.status(outcome!.result === 'created' ? 201 : 200).json([
        {
          // The incident is what the client follows: an attached request reads the shared case.
          service_request_id: outcome!.incidentId,
          service_notice: `${said}${notice}`,
          // Open311's account of the citizen; we keep no citizen accounts.
          account_id: null,
        },
      ]);
    }),
  );

  router.get(
    '/requests.json',
    handle(async (req, res) => {
      integrationOf(deps, req);
      const query = readQuery(
        req.query as Record<string, unknown>,
        deps.clock(),
        deps.utcOffsetMinutes,
      );
      let incidents: Incident[];
      if ('ids' in query) {
        const found = await Promise.all(query.ids.map((id) => deps.store.getIncident(id)));
        incidents = found
          .filter((i): i is Incident => i !== undefined)
          .sort((a, b) => b.reportedAt.localeCompare(a.reportedAt) || b.id.localeCompare(a.id));
      } else {
        ({ incidents } = await deps.store.queryIncidents(query));
      }
      const ctx = view(locale(req));
      res.json(incidents.map((i) => toServiceRequest(i, ctx)));
    }),
  );
  router.get(
    '/requests/:file',
    handle(async (req, res) => {
      integrationOf(deps, req);
      const id = jsonName(String(req.params.file));
      const incident = await deps.store.getIncident(id);
      if (!incident) throw new HttpError(404, `service_request_id: no request ${id}`);
      // Open311 answers a single request as a list of one.
      res.json([toServiceRequest(incident, view(locale(req)))]);
    }),
  );

  router.use((req, _res, next) => {
    next(
      /\.xml$/i.test(req.path)
        ? xmlRefused()
        : new HttpError(404, `no such Open311 route: ${req.method} ${req.originalUrl}`),
    );
  });
  router.use(open311Errors);
  return router;
}

/** `dispute.json` → `dispute`; XML is refused by name, anything else is not found. */
function jsonName(file: string): string {
  if (/\.xml$/i.test(file)) throw xmlRefused();
  const m = /^(.+)\.json$/i.exec(file);
  if (!m) throw new HttpError(404, `no such Open311 resource: ${file} (ask for .json)`);
  return m[1]!;
}

function xmlRefused(): HttpError {
  return new HttpError(
    406,
    'XML is not offered by this server: ask for the .json form of the same path',
  );
}

/** The api_key outside the body: Open311's query parameter, or the intake's bearer header. */
function outsideBody(req: Request): string | undefined {
  const q = req.query.api_key;
  if (typeof q === 'string' && q) return q;
  return bearer(req.headers.authorization);
}

/**
 * The integration behind the caller's api_key: 401 without one, 403 for a key we do not know
 * (Open311's "invalid api_key"). The same keys as POST /api/v1/reports, checked by its gate.
 */
function integrationOf(deps: Open311Deps, req: Request, body?: Record<string, unknown>): string {
  const inBody = typeof body?.api_key === 'string' && body.api_key ? body.api_key : undefined;
  const key = outsideBody(req) ?? inBody;
  if (!key)
    throw new HttpError(401, 'api_key: required (an integration key from the centre)', {
      code: 'intake_key_invalid',
    });
  try {
    return deps.intake.gate(`Bearer ${key}`);
  } catch {
    throw new HttpError(403, 'api_key: not a valid key', { code: 'intake_key_invalid' });
  }
}

/** Open311 posts forms; JSON is taken too. Anything else (multipart uploads, XML) is refused. */
const refuseOtherTypes: RequestHandler = (req, _res, next) => {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined ||
    (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
  if (hasBody && !req.is(['application/x-www-form-urlencoded', 'application/json']))
    throw new HttpError(
      415,
      'send the request as application/x-www-form-urlencoded or application/json (no uploads: media_url is not taken)',
    );
  next();
};

/**
 * The intake throws a point outside the city as `location: lng,lat is outside the city`; an
 * Open311 client sent lat and long, so the message names those.
 */
async function submitted<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof HttpError && err.status === 400 && /outside the city/.test(err.message)) {
      const m = /(-?[\d.]+),(-?[\d.]+) is outside the city/.exec(err.message);
      throw new HttpError(
        400,
        m
          ? `lat, long: the point lat ${m[2]}, long ${m[1]} is outside the city`
          : 'lat, long: the point is outside the city',
      );
    }
    throw err;
  }
}

/** Every refusal as Open311's error array: one entry per bad field, codes as HTTP statuses. */
const open311Errors: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  const e = err as { status?: number; statusCode?: number; type?: string };
  let known: HttpError;
  if (err instanceof HttpError) known = err;
  else if (e.type === 'entity.too.large') known = new HttpError(413, BODY_TOO_LARGE);
  else if (e.type === 'entity.parse.failed') known = new HttpError(400, BODY_NOT_JSON);
  else if ((e.status ?? e.statusCode ?? 500) < 500)
    known = new HttpError(e.status ?? e.statusCode ?? 400, 'bad request');
  else {
    // The details stay in the log, as for the rest of the API.
    log.error({ err, reqId: req.requestId }, 'open311 request failed');
    res.status(500).json([{ code: 500, description: 'internal error' }]);
    return;
  }
  const entries = known.fields?.length
    ? known.fields.map((f) => ({ code: known.status, description: `${f.path}: ${f.message}` }))
    : [{ code: known.status, description: known.message }];
  res.status(known.status).json(entries);
};
