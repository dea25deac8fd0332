import { formatProblem } from './city/index.js';
import { ConfigError, loadConfig } from './config.js';
import { systemClock } from './live/clock.js';
import { StoreOpenError } from './store/open-database.js';
import { preflight, serverEnv } from './preflight.js';

try {
  // Everything a start needs is checked before anything listens: every refusal at once.
  const checked = preflight(loadConfig(serverEnv()));
  if (!checked.ok) {
    for (const line of checked.refusals) console.error(line);
    process.exit(1);
  }
  const { config, loaded } = checked;
  // Loaded only now, so that a refusal is quick and nothing of the server has started. The
  // refusals above stay plain lines on stderr, one per missing thing, for whoever starts it.
  const { configureLogging, moduleLog } = await import('./log.js');
  configureLogging(config);
  const log = moduleLog('main');
  const { startServer } = await import('./server.js');
  const { submitFieldReport } = await import('./field/reports.js');
  const { loadHotspots } = await import('./simulate/hotspots.js');
  const { startSimulator } = await import('./simulate/index.js');
  const { prepareDemoHistory } = await import('./simulate/history/index.js');
  for (const warning of loaded.warnings) log.warn(`city package: ${formatProblem(warning)}`);
  const { city } = loaded;
  const simulate = config.simulate ?? config.demo;
  const simCity = { ...city, hotspots: loadHotspots(loaded.dir) };
  // The demo's past is written before the server reads the store, so it starts on it.
  const stillOpen = simulate ? await prepareDemoHistory(config, simCity, systemClock()) : [];
  const server = await startServer(config, loaded);
  // The simulator talks to this server through its public intake API and patrol feed, like any
  // integration, and its grid workers through the calls the phones' routes make.
  const simulator = simulate
    ? startSimulator({
        baseUrl: server.url,
        ingestKey: server.auth.internalKey('simulator'),
        workflow: server.workflow,
        warnings: server.warnings,
        field: {
          report: (actor, report) => submitFieldReport(server.ingest, actor, report),
          moveWorker: (id, position, at, accuracy) =>
            server.positions.moveWorker(id, position, at, accuracy),
          offDuty: (id) => server.positions.offDuty(id),
        },
        reception: (input, extras) =>
          server.ingest.submit([input], 'reception', extras).then(([outcome]) => outcome!),
        city: simCity,
        resume: stillOpen,
        clock: systemClock,
        timeScale: config.timeScale,
        utcOffsetMinutes: config.utcOffsetMinutes,
      })
    : undefined;
  log.info(
    `city-brain listening on ${server.url}: ${city.info.name} from ${loaded.dir} (demo ${config.demo ? 'on' : 'off'}, simulator ${simulator ? 'on' : 'off'})`,
  );
  if (config.demo && /^(127\.|::1$|localhost$)/.test(config.host))
    log.info(
      `demo mode listens on ${config.host} only, this machine; set HOST=0.0.0.0 to open it to others`,
    );
  if (config.demo && !server.auth.accounts.current.demo)
    log.info('demo mode: real accounts are configured, so the demo accounts and keys are left out');
  const stop = () => {
    simulator?.stop();
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (err) {
  if (err instanceof ConfigError || err instanceof StoreOpenError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
