import { Router, type Request } from 'express';
import {
  IdSchema,
  TOUR_PLAN_EDITORS,
  TourPlanInputSchema,
  VIDEO_PATROL_READERS,
  VIDEO_PATROL_RECORDERS,
  VideoPatrolDaySchema,
  VideoPatrolEndSchema,
  VideoPatrolNoteSchema,
  VideoPatrolStartSchema,
} from '../../shared/index.js';
import type { Auth } from '../auth/auth.js';
import { HttpError } from '../http-error.js';
import { parse, requireUser } from '../http/middleware.js';
import type { Asker, VideoPatrols } from './service.js';

const asker = (req: Request): Asker => ({ principal: req.principal!, address: req.ip });

/** A wall shows plans and records the runs its schedule brings; it never edits a plan. */
const notAWall = (req: Request) => {
  if (req.principal!.deviceTokenHash)
    throw new HttpError(403, 'a wall may not edit tour plans', { code: 'role_forbidden' });
};

/** `/api/v1/tour-plans`: the plans (视频巡查方案), read by the centre, edited by its desks. */
export function tourPlanRoutes(auth: Auth, patrols: VideoPatrols): Router {
  const router = Router();
  const read = requireUser(auth, VIDEO_PATROL_READERS);
  const edit = requireUser(auth, TOUR_PLAN_EDITORS);
  router.get('/', read, (req, res) => void res.json({ plans: patrols.plans(asker(req)) }));
  router.get('/:id', read, (req, res) => {
    res.json({ plan: patrols.plan(asker(req), parse(IdSchema, req.params.id)) });
  });
  router.post('/', edit, (req, res) => {
    notAWall(req);
    const input = parse(TourPlanInputSchema, req.body);
    res.status(201).json({ plan: patrols.create(asker(req), input) });
  });
  router.put('/:id', edit, (req, res) => {
    notAWall(req);
    const id = parse(IdSchema, req.params.id);
    const input = parse(TourPlanInputSchema, req.body);
    res.json({ plan: patrols.update(asker(req), id, input) });
  });
  router.delete('/:id', edit, (req, res) => {
    notAWall(req);
    patrols.remove(asker(req), parse(IdSchema, req.params.id));
    res.status(204).end();
  });
  return router;
}

const DayQuerySchema = VideoPatrolDaySchema.partial();

/** `/api/v1/video-patrols`: the patrol log (巡查记录), per centre day; runs and their notes. */
export function videoPatrolRoutes(auth: Auth, patrols: VideoPatrols): Router {
  const router = Router();
  const read = requireUser(auth, VIDEO_PATROL_READERS);
  const record = requireUser(auth, VIDEO_PATROL_RECORDERS);
  router.get('/', read, (req, res) => {
    const { date = patrols.today() } = parse(DayQuerySchema, req.query);
    res.json({ date, patrols: patrols.dayLog(asker(req), date) });
  });
  router.post('/', record, (req, res) => {
    const { planId, cameraIds } = parse(VideoPatrolStartSchema, req.body);
    res.status(201).json({ patrol: patrols.start(asker(req), planId, cameraIds) });
  });
  router.post('/:id/end', record, (req, res) => {
    const id = parse(IdSchema, req.params.id);
    const { cameraIds } = parse(VideoPatrolEndSchema, req.body ?? {});
    res.json({ patrol: patrols.end(asker(req), id, cameraIds) });
  });
  router.post('/:id/notes', record, (req, res) => {
    const id = parse(IdSchema, req.params.id);
    const { text } = parse(VideoPatrolNoteSchema, req.body);
    res.status(201).json({ patrol: patrols.note(asker(req), id, text) });
  });
  return router;
}
