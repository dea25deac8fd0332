import { createServer } from 'node:http';
import { loadDemoCity } from '../fixtures/index.js';
import { ConfigError, loadConfig } from './config.js';
import { createApp } from './http.js';

try {
  const config = loadConfig();
  const city = loadDemoCity();
  const server = createServer(createApp(config, city));
  server.listen(config.port, config.host, () => {
    console.log(
      `city-brain listening on http://localhost:${config.port} (demo ${config.demo ? 'on' : 'off'})`,
    );
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
