import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';

export interface Chunk {
  file: string;
  rawKB: number;
  gzKB: number;
  /** Loaded before the wall's first render (the screen's root element in the DOM). */
  beforeRender: boolean;
  /** Milliseconds from navigation start to the end of its response. */
  loadedAtMs: number;
  how: string;
}

export interface InitialJs {
  chunks: Chunk[];
  gzKB: number;
  rawKB: number;
  firstRenderMs: number;
  /** The chunks the Vite manifest says /wall needs statically (entry + WallView + imports). */
  manifestChunks: string[];
}

const KB = 1024;

/** The chunks the manifest names for a route: the entry, the route's view, and their imports. */
function manifestClosure(webDir: string, view: string): string[] {
  const path = join(webDir, '.vite', 'manifest.json');
  if (!existsSync(path)) return [];
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<
    string,
    { file: string; imports?: string[] }
  >;
  const out = new Set<string>();
  const visit = (key: string) => {
    const entry = manifest[key];
    if (!entry || out.has(entry.file)) return;
    out.add(entry.file);
    for (const i of entry.imports ?? []) visit(i);
  };
  visit('index.html');
  visit(view);
  return [...out].map((f) => f.replace(/^.*\//, '')).sort();
}

/**
 * The JavaScript `/wall` loads before its first render, from what the page really requested
 * (resource timing: every .js/.mjs response that ended before `.wall-screen` entered the DOM),
 * sized as the build's files gzipped by zlib at the default level (as the server's compression
 * middleware sends them). What loads later — the MapLibre worker, started once the map is
 * created — is listed but not counted.
 */
export async function measureWallInitialJs(
  browser: Browser,
  url: string,
  webDir: string,
): Promise<InitialJs> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  await page.addInitScript(
    String.raw`new MutationObserver((_, o) => {
      if (document.querySelector('.wall-screen')) {
        window.__firstRender = performance.now();
        o.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });`,
  );
  await page.goto(`${url}/wall?device=demo-wall-device-token&rotate=0`);
  await page.waitForSelector('.wall-screen', { state: 'attached', timeout: 30_000 });
  // Long enough for the map to start its worker, to list it as loaded after the first render.
  await page
    // A function, not a string: the page's Content-Security-Policy forbids evaluating strings.
    .waitForFunction(
      () => performance.getEntriesByType('resource').some((e) => /worker.*\.m?js$/.test(e.name)),
      undefined,
      { timeout: 15_000 },
    )
    .catch(() => undefined);
  const { firstRender, resources } = (await page.evaluate(
    String.raw`({
      firstRender: window.__firstRender,
      resources: performance.getEntriesByType('resource')
        .filter((e) => /\.m?js(\?|$)/.test(e.name))
        .map((e) => ({ name: e.name, end: e.responseEnd, initiator: e.initiatorType })),
    })`,
  )) as {
    firstRender: number;
    resources: { name: string; end: number; initiator: string }[];
  };
  await context.close();

  const chunks: Chunk[] = resources.map((r) => {
    const path = new URL(r.name).pathname;
    const body = readFileSync(join(webDir, path));
    return {
      file: path.replace(/^.*\//, ''),
      rawKB: body.length / KB,
      gzKB: gzipSync(body).length / KB,
      beforeRender: r.end <= firstRender,
      loadedAtMs: r.end,
      how: r.initiator,
    };
  });
  const counted = chunks.filter((c) => c.beforeRender);
  return {
    chunks,
    gzKB: counted.reduce((s, c) => s + c.gzKB, 0),
    rawKB: counted.reduce((s, c) => s + c.rawKB, 0),
    firstRenderMs: firstRender,
    manifestChunks: manifestClosure(webDir, 'src/views/WallView.vue'),
  };
}
