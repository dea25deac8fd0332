import express, { Router } from 'express';
import type { CityInfo } from '../../shared/index.js';
import { errorBody, HttpError } from '../http-error.js';

/**
 * /basemap: the city package's own offline basemap when it has one; otherwise a plain dark
 * background, so a centre sees its grids, incidents and cameras at once, before it points
 * MAP_STYLE_URL at its intranet tile server.
 */
export function basemapRoutes(basemapDir: string | undefined, info: CityInfo): Router {
  const router = Router();
  if (basemapDir) {
    router.use('/basemap', express.static(basemapDir, { maxAge: '1h', fallthrough: false }));
    return router;
  }
  const style = {
    version: 8,
    name: `${info.name} 底图 (无瓦片)`,
    center: info.center,
    zoom: 12,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#0b1220' } }],
  };
  router.get('/basemap/style.json', (_req, res) => void res.json(style));
  router.use('/basemap', (req, res) => {
    // The same refusal shape as a missing file in a package's own basemap (the error handler).
    const { status, body } = errorBody(
      new HttpError(404, `no basemap file ${req.path}: the city package has no basemap/`),
    );
    res.status(status).json(body);
  });
  return router;
}
