import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { refuseDemoCredentials } from '../../server/auth/demo-credentials.js';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { loadDemoPackage } from '../../fixtures/index.js';

export interface BenchServer extends RunningServer {
  /** Moves the server's clock: negative to open incidents in the past while seeding. */
  setClockOffset(ms: number): void;
  stop(): Promise<void>;
}

/**
 * The real server, in this process, over a fresh SQLite file, as tests/support/server.ts starts
 * it, with two differences: it serves the web build made for this run (not `dist/web`, which other
 * jobs rebuild), and its clock can be set back while the incidents are seeded.
 */
export async function startBenchServer(
  webDir: string,
  env: Record<string, string> = {},
): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'citybrain-bench-web-'));
  let offset = 0;
  const config = refuseDemoCredentials(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DEMO: 'true',
      SIMULATE: 'false',
      DEMO_ORIGIN_PORT: '0',
      WEB_DIR: webDir,
      ...env,
    }),
  );
  const server = await startServer(config, loadDemoPackage(), () => new Date(Date.now() + offset));
  return {
    ...server,
    setClockOffset(ms: number) {
      offset = ms;
    },
    async stop() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Builds the web app (vite) into `outDir` for a benchmark's own server, so a run never reads a
 * `dist/web` that another job is rebuilding. Extra arguments go to `vite build`.
 */
export function buildWebInto(outDir: string, ...extra: string[]): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const build = spawnSync(
    join(root, 'node_modules/.bin/vite'),
    ['build', '--logLevel', 'error', '--outDir', outDir, '--emptyOutDir', ...extra],
    { cwd: root, stdio: 'inherit' },
  );
  if (build.status !== 0) throw new Error(`vite build failed (${build.status})`);
}
