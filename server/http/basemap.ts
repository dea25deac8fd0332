import express, { Router } from 'express';
import type { CityInfo } from '../../shared/index.js';

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
    res
      .status(404)
      .type('text/plain')
      .send(`no basemap file ${req.path}: the city package has no basemap/`);
  });
  return router;
}
