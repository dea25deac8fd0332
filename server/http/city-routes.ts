import { Router } from 'express';
import { LOOP_ROLES, type City } from '../../shared/index.js';
import type { Auth } from '../auth/auth.js';
import type { Scopes } from '../levels/scopes.js';
import type { Board } from '../live/board.js';
import { requireUser } from './middleware.js';

/**
 * The city's reference data behind a login: cameras (with live status), departments, grid
 * workers, patrols, key places; a sub-centre's user gets its own area's. Regions are public
 * (http/app.ts).
 */
export function cityRoutes(auth: Auth, city: City, board: Board, scopes: Scopes): Router {
  const router = Router();
  // The live picture (cameras' states, patrols) is the loop's; an auditor reads the trail only.
  // On each route, not the router: it is mounted on /api/v1, whose other routes have their own.
  const loop = requireUser(auth, LOOP_ROLES);
  router.get('/cameras', loop, (req, res) => {
    const scope = scopes.of(req.principal!);
    res.json(
      city.cameras
        .filter((c) => scopes.cameraIn(scope, c.id))
        .map((c) => ({ ...c, status: board.cameras.get(c.id) ?? c.status })),
    );
  });
  // Departments: the city's own serve everywhere; a street's office or a community's station
  // only its area, so another area's are left out.
  router.get('/departments', loop, (req, res) => {
    const scope = scopes.of(req.principal!);
    res.json(
      city.departments.filter((d) => {
        const area = d.regionId ?? d.streetId;
        return !area || scopes.overlaps(scope, area);
      }),
    );
  });
  router.get('/grid-workers', loop, (req, res) => {
    const scope = scopes.of(req.principal!);
    res.json(city.gridWorkers.filter((w) => scopes.workerIn(scope, w.id)));
  });
  router.get('/patrols', loop, (req, res) => {
    const scope = scopes.of(req.principal!);
    res.json(city.patrols.filter((p) => scopes.patrolIn(scope, p.id)));
  });
  router.get('/key-places', loop, (_req, res) => void res.json(city.keyPlaces));
  return router;
}
