import { Router } from 'express';
import { z } from 'zod';
import {
  centreDayStart,
  REPLAY_MAX_DAYS,
  replayIncidentOf,
  TimestampSchema,
  type ReplayAnswer,
  type Role,
  type Scope,
  type Warning,
  warningInScope,
} from '../../shared/index.js';
import type { Auth } from '../auth/auth.js';
import { HttpError } from '../http-error.js';
import { handle, parse, requireUser } from '../http/middleware.js';
import type { Scopes } from '../levels/scopes.js';
import type { Store } from '../store/store.js';

/** Who replays: the centre's own people, leaders, and the walls (which run as operators). */
const READERS: readonly Role[] = ['duty', 'operator', 'leader'];
/** More than a busy city's week; past it the oldest are sent and `truncated` says so. */
const MOST_INCIDENTS = 60_000;
const DAY_MS = 86_400_000;

const ReplayQuerySchema = z.object({
  from: TimestampSchema,
  to: TimestampSchema,
  /** A region within the asker's area (any level); their whole area when absent. */
  area: z.string().min(1).max(64).optional(),
});

/** `/api/v1/replay`: a past stretch's incidents with their histories, for 复盘 (docs/API.md). */
export function replayRoutes(
  auth: Auth,
  store: Pick<Store, 'replayIncidents' | 'replayWarnings'>,
  scopes: Scopes,
  areaFor: (scope: Scope | undefined, asked: string | undefined) => { id: string },
  utcOffsetMinutes: number,
): Router {
  const router = Router();
  router.use(requireUser(auth, READERS));
  router.get(
    '/',
    handle(async (req, res) => {
      const q = parse(ReplayQuerySchema, req.query);
      const from = Date.parse(q.from);
      const to = Date.parse(q.to);
      if (to <= from) throw fieldError('to', 'to: must be after from');
      if (to - from > REPLAY_MAX_DAYS * DAY_MS)
        throw fieldError('to', `to: at most ${REPLAY_MAX_DAYS} days after from`);
      const scope = scopes.of(req.principal!);
      const area = areaFor(scope, q.area);
      const inArea = (w: Warning) =>
        area.id === 'city' || (!!w.area && Object.values(w.area).includes(area.id));
      const dayStart = new Date(centreDayStart(from, utcOffsetMinutes)).toISOString();
      const [incidents, warnings] = await Promise.all([
        store.replayIncidents(
          dayStart,
          new Date(to).toISOString(),
          area.id === 'city' ? undefined : area.id,
          MOST_INCIDENTS + 1,
        ),
        store.replayWarnings(dayStart, new Date(to).toISOString()),
      ]);
      const answer: ReplayAnswer = {
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        dayStart,
        utcOffsetMinutes,
        incidents: incidents.slice(0, MOST_INCIDENTS).map(replayIncidentOf),
        truncated: incidents.length > MOST_INCIDENTS,
        warnings: warnings.filter((w) => warningInScope(scope, w) && inArea(w)),
      };
      res.json(answer);
    }),
  );
  return router;
}

function fieldError(path: string, message: string): HttpError {
  return new HttpError(400, message, {
    code: 'invalid_fields',
    fields: [{ path, message: message.slice(path.length + 2) }],
  });
}
