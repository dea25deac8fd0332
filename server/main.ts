import { withDemoCredentials } from './auth/demo-credentials.js';
import { CityPackageError, formatProblem, loadCity } from './city/index.js';
import { ConfigError, loadConfig } from './config.js';
import { systemClock } from './live/clock.js';
import { startServer } from './server.js';
import { loadHotspots } from './simulate/hotspots.js';
import { startSimulator } from './simulate/index.js';

try {
  const config = withDemoCredentials(loadConfig());
  if (!config.city.dir)
    throw new ConfigError('CITY_DIR is not set: name the city package folder (docs/CITY.md)');
  const loaded = loadCity(config.city.dir);
  for (const warning of loaded.warnings) console.warn(`city package: ${formatProblem(warning)}`);
  const { city } = loaded;
  const server = await startServer(config, loaded);
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
          city: { ...city, hotspots: loadHotspots(loaded.dir) },
          clock: systemClock,
          timeScale: config.timeScale,
          utcOffsetMinutes: config.utcOffsetMinutes,
        })
      : undefined;
  console.log(
    `city-brain listening on ${server.url}: ${city.info.name} from ${loaded.dir} (demo ${config.demo ? 'on' : 'off'}, simulator ${simulator ? 'on' : 'off'})`,
  );
  const stop = () => {
    simulator?.stop();
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (err) {
  if (err instanceof ConfigError || err instanceof CityPackageError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
