import { loadDemoCity } from '../fixtures/index.js';
import { withDemoCredentials } from './auth/demo-credentials.js';
import { ConfigError, loadConfig } from './config.js';
import { startServer } from './server.js';

try {
  const config = withDemoCredentials(loadConfig());
  const server = await startServer(config, loadDemoCity());
  console.log(
    `city-brain listening on http://localhost:${config.port} (demo ${config.demo ? 'on' : 'off'})`,
  );
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
