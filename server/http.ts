import { existsSync } from 'node:fs';
import { join } from 'node:path';
import compression from 'compression';
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { DemoCity } from '../fixtures/index.js';
import type { Config } from './config.js';

const BASEMAP_DIR = new URL('../fixtures/basemap/', import.meta.url).pathname;

/** Assembles the HTTP side: the API, the basemap and the built web app. */
export function createApp(config: Config, city: DemoCity): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(compression());

  app.get('/api/health', (_req, res) => {
    res.json({ status: 'ok', demo: config.demo });
  });
  app.get('/api/v1/client-config', (_req, res) => {
    res.json({ mapStyleUrl: config.mapStyleUrl, city: city.city });
  });
  app.get('/api/v1/regions', (_req, res) => {
    res.json(city.regions);
  });
  app.get('/api/v1/cameras', (_req, res) => {
    res.json(city.cameras);
  });
  app.get('/api/v1/departments', (_req, res) => {
    res.json(city.departments);
  });
  app.get('/api/v1/patrols', (_req, res) => {
    res.json(city.patrols);
  });
  app.use('/api', (req, res) => {
    res.status(404).json({ error: `no such API route: ${req.method} ${req.originalUrl}` });
  });

  app.use('/basemap', express.static(BASEMAP_DIR, { maxAge: '1h', fallthrough: false }));

  if (existsSync(config.webDir)) {
    app.use(express.static(config.webDir, { index: false, maxAge: '1h' }));
    // The web app routes on the client (/wall, /desk, /brief, /login): every other GET gets the shell.
    app.get(/^\/(?!api\/|basemap\/|socket\.io\/).*/, (_req, res) => {
      res.sendFile(join(config.webDir, 'index.html'), { maxAge: 0 });
    });
  }

  app.use(errorHandler);
  return app;
}

const errorHandler: ErrorRequestHandler = (
  err: { status?: number; statusCode?: number; message?: string },
  _req,
  res,
  _next,
) => {
  const status = err.status ?? err.statusCode ?? 500;
  if (status >= 500) console.error(err);
  res
    .status(status)
    .json({ error: status >= 500 ? 'internal error' : (err.message ?? 'bad request') });
};
