import { Router } from 'express';
import { z } from 'zod';
import { PERIOD_KINDS, type Role } from '../../shared/index.js';
import type { Auth } from '../auth/auth.js';
import { handle, parse, requireUser } from '../http/middleware.js';
import type { Scopes } from '../levels/scopes.js';
import { EXPORT_TABLES, workbookOf } from './export.js';
import type { StatsService } from './service.js';
import type { Store } from '../store/store.js';

/** Who reads the statistics: the centre's own people and its leaders. */
const READERS: readonly Role[] = ['duty', 'operator', 'leader'];

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD');
const PeriodQuerySchema = z.object({
  period: z.enum(PERIOD_KINDS).default('month'),
  date: Day.optional(),
  to: Day.optional(),
});
const StatsQuerySchema = PeriodQuerySchema.extend({ area: z.string().min(1).max(64).optional() });
const RankingQuerySchema = PeriodQuerySchema.extend({
  level: z.enum(['street', 'community']).default('street'),
});
const PointsQuerySchema = StatsQuerySchema.extend({
  limit: z.coerce.number().int().min(1).max(200_000).default(100_000),
});
const ExportQuerySchema = StatsQuerySchema.extend({
  table: z.enum(EXPORT_TABLES).default('breakdown'),
  level: z.enum(['street', 'community']).default('street'),
  lang: z.enum(['zh-CN', 'en']).default('zh-CN'),
});

/** `/api/v1/stats`: figures, 指数排行, the heat map's points and XLSX export (docs/API.md). */
export function statsRoutes(
  auth: Auth,
  stats: StatsService,
  scopes: Scopes,
  store: Pick<Store, 'incidentPoints'>,
): Router {
  const router = Router();
  router.use(requireUser(auth, READERS));
  router.get(
    '/',
    handle(async (req, res) => {
      const q = parse(StatsQuerySchema, req.query);
      const scope = scopes.of(req.principal!);
      const area = stats.areaFor(scope, q.area);
      res.json(await stats.answer(area, stats.period(q), scope));
    }),
  );
  router.get(
    '/ranking',
    handle(async (req, res) => {
      const q = parse(RankingQuerySchema, req.query);
      res.json(await stats.ranking(q.level, stats.period(q), scopes.of(req.principal!)));
    }),
  );
  router.get(
    '/points',
    handle(async (req, res) => {
      const q = parse(PointsQuerySchema, req.query);
      const scope = scopes.of(req.principal!);
      const area = stats.areaFor(scope, q.area);
      const period = stats.period(q);
      const { from, to } = stats.instants(period);
      const points = await store.incidentPoints(
        from,
        to,
        area.id === 'city' ? undefined : area.id,
        q.limit + 1,
      );
      res.json({
        period,
        area,
        truncated: points.length > q.limit,
        points: points.slice(0, q.limit),
      });
    }),
  );
  router.get(
    '/export.xlsx',
    handle(async (req, res) => {
      const q = parse(ExportQuerySchema, req.query);
      const scope = scopes.of(req.principal!);
      const period = stats.period(q);
      const area = stats.areaFor(scope, q.area);
      const [answer, ranking] =
        q.table === 'ranking'
          ? [undefined, await stats.ranking(q.level, period, scope)]
          : [await stats.answer(area, period, scope), undefined];
      const body = await workbookOf(q.table, q.lang, answer, ranking);
      const name = `citybrain-${q.table}-${area.id}-${period.from}_${period.to}.xlsx`;
      res
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .setHeader('content-disposition', `attachment; filename="${name}"`)
        .send(body);
    }),
  );
  return router;
}
