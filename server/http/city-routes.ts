import { Router } from 'express';
import { LOOP_ROLES, type City } from '../../shared/index.js';
import type { Auth } from '../auth/auth.js';
import type { Board } from '../live/board.js';
import { requireUser } from './middleware.js';

/** The city's reference data behind a login: cameras (with live status), departments, grid workers, patrols, key places. Regions are public (http/app.ts). */
export function cityRoutes(auth: Auth, city: City, board: Board): Router {
  const router = Router();
  // The live picture (cameras' states, patrols) is the loop's; an auditor reads the trail only.
  // On each route, not the router: it is mounted on /api/v1, whose other routes have their own.
  const loop = requireUser(auth, LOOP_ROLES);
  router.get(
    '/cameras',
    loop,
    (_req, res) =>
      void res.json(
        city.cameras.map((c) => ({ ...c, status: board.cameras.get(c.id) ?? c.status })),
      ),
  );
  router.get('/departments', loop, (_req, res) => void res.json(city.departments));
  router.get('/grid-workers', loop, (_req, res) => void res.json(city.gridWorkers));
  router.get('/patrols', loop, (_req, res) => void res.json(city.patrols));
  router.get('/key-places', loop, (_req, res) => void res.json(city.keyPlaces));
  return router;
}
