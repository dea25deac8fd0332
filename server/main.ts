import { formatProblem } from './city/index.js';
import { ConfigError, loadConfig } from './config.js';
import { systemClock } from './live/clock.js';
import { preflight, serverEnv } from './preflight.js';

try {
  // Everything a start needs is checked before anything listens: every refusal at once.
  const checked = preflight(loadConfig(serverEnv()));
  if (!checked.ok) {
    for (const line of checked.refusals) console.error(line);
    process.exit(1);
  }
  const { config, loaded } = checked;
  // Loaded only now, so that a refusal is quick and nothing of the server has started.
  const { startServer } = await import('./server.js');
  const { loadHotspots } = await import('./simulate/hotspots.js');
  const { startSimulator } = await import('./simulate/index.js');
  for (const warning of loaded.warnings) console.warn(`city package: ${formatProblem(warning)}`);
  const { city } = loaded;
  const server = await startServer(config, loaded);
  // The simulator talks to this server through its public intake API, like any integration.
  const simulator =
    (config.simulate ?? config.demo)
      ? startSimulator({
          baseUrl: server.url,
          ingestKey: server.auth.internalKey('simulator'),
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
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
