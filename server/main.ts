import { loadDemoCity } from '../fixtures/index.js';
import { withDemoCredentials } from './auth/demo-credentials.js';
import { ConfigError, loadConfig } from './config.js';
import { systemClock } from './live/clock.js';
import { startServer } from './server.js';
import { startSimulator } from './simulate/index.js';

try {
  const config = withDemoCredentials(loadConfig());
  const city = loadDemoCity();
  const server = await startServer(config, city);
  const ingestKey = config.ingestKeys[0]?.key;
  if (config.simulate && !ingestKey)
    throw new ConfigError('SIMULATE needs an ingest key (INGEST_KEY)');
  // The simulator talks to this server through its public intake API, like any integration.
  const simulator =
    (config.simulate ?? config.demo) && ingestKey
      ? startSimulator({
          baseUrl: server.url,
          ingestKey,
          workflow: server.workflow,
          hub: server.hub,
          city,
          clock: systemClock,
          timeScale: config.timeScale,
          utcOffsetMinutes: config.utcOffsetMinutes,
        })
      : undefined;
  console.log(
    `city-brain listening on ${server.url} (demo ${config.demo ? 'on' : 'off'}, simulator ${simulator ? 'on' : 'off'})`,
  );
  const stop = () => {
    simulator?.stop();
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
