/**
 * The forwarder under test, assembled as the server assembles it (compression, JSON body parsing,
 * the streams router, the app's error handler) over a registry file naming the bench origin.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import compression from 'compression';
import express from 'express';
import { Auth } from '../../server/auth/auth.js';
import { loadConfig } from '../../server/config.js';
import { errorHandler } from '../../server/http/middleware.js';
import { Metrics } from '../../server/metrics.js';
import { openSqliteStore } from '../../server/store/sqlite-store.js';
import { StreamsConfigSchema } from '../../server/streams/config.js';
import { createStreams } from '../../server/streams/index.js';
import type { FromChild, ForwarderArgs } from './protocol.js';

const args = JSON.parse(process.argv[2]!) as ForwarderArgs;
const dir = mkdtempSync(join(tmpdir(), 'citybrain-bench-streams-'));
const registryFile = join(dir, 'cameras.json');
writeFileSync(
  registryFile,
  JSON.stringify({
    template: {
      hls: `${args.originUrl}/cam/{id}/index.m3u8`,
      username: args.username,
      password: args.password,
    },
  }),
);
const config = {
  ...loadConfig({ DATA_DIR: dir, DEMO: 'false' }),
  deviceTokens: [{ name: 'bench', token: args.deviceToken, role: 'operator' as const }],
};
const store = openSqliteStore(dir, { synchronous: 'normal' });
const metrics = new Metrics();
const streams = createStreams({
  config: StreamsConfigSchema.parse({ registryFile }),
  demo: false,
  cameras: args.cameraIds.map((id) => ({
    id,
    name: id,
    position: [113, 23],
    bearing: 0,
    fov: 90,
    range: 100,
    regionId: 'bench',
    kind: 'fixed',
    site: 'crossing',
    status: 'online',
  })),
  auth: new Auth(config, store),
  metrics,
  reportStatus: async () => {},
});
const app = express();
app.disable('x-powered-by');
app.use(compression());
app.use('/api', express.json());
app.use(streams.router);
app.use(errorHandler);
// As the server wires it: stream GETs first, everything else through Express.
const http = createServer((req, res) => streams.handle(req, res) || app(req, res));
await streams.start();
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
process.send!({ type: 'ready', port: (http.address() as AddressInfo).port } satisfies FromChild);
process.on('message', () => {
  void (async () => {
    await streams.stop();
    http.closeAllConnections();
    http.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  })();
});
