import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from './browser.js';
import { startTestServer, type TestServer } from './server.js';

/**
 * A real server over the built web app and one Chromium, for a file of end-to-end tests; both
 * are there from `beforeAll` on and gone after the last test.
 */
export function e2eEnvironment(): { server: TestServer; browser: Browser } {
  const env = {} as { server: TestServer; browser: Browser };
  beforeAll(async () => {
    if (!existsSync('dist/web/index.html'))
      throw new Error('build the web app first (npm test runs vite build)');
    env.server = await startTestServer();
    env.browser = await launchBrowser();
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}
