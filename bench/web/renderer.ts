import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { launchBrowser } from '../../tests/support/browser.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../tests/support/chromium.js';

/**
 * Which software OpenGL draws the page. This machine has no GPU, and a centre's wall and desk PCs
 * do: the frame figures are bounded by software rendering, so the benchmark can take them with
 * either of the two Debian has.
 * - `swiftshader`: headless Chromium's own (the end-to-end tests' setting).
 * - `llvmpipe`: Mesa's, through ANGLE on OpenGL, in a headful Chromium on an Xvfb display
 *   (needs the `xvfb` and `libgl1-mesa-dri` packages); its GPU process takes about half the CPU
 *   SwiftShader's does for the same pages here.
 */
export type Renderer = 'swiftshader' | 'llvmpipe';

export interface RenderedBrowser {
  browser: Browser;
  /** What WebGL reports it draws with, to show in the figures. */
  describe(): Promise<string>;
  close(): Promise<void>;
}

export function parseRenderer(value: string): Renderer {
  if (value === 'swiftshader' || value === 'llvmpipe') return value;
  throw new Error(`--renderer must be swiftshader or llvmpipe, not ${value}`);
}

export async function launchRendered(
  renderer: Renderer,
  viewport: { width: number; height: number },
): Promise<RenderedBrowser> {
  const display = renderer === 'llvmpipe' ? await startXvfb(viewport) : undefined;
  const browser = display
    ? await chromium
        .launch({
          executablePath: CHROMIUM_PATH,
          headless: false,
          args: [
            ...CHROMIUM_ARGS.filter((a) => !/swiftshader/.test(a)),
            '--use-gl=angle',
            '--use-angle=gl',
            `--window-size=${viewport.width},${viewport.height}`,
          ],
          env: { ...process.env, DISPLAY: display.name },
        })
        .catch((err: unknown) => {
          display.process.kill();
          throw err;
        })
    : await launchBrowser();
  return {
    browser,
    async describe() {
      const page = await browser.newPage();
      try {
        return (await page.evaluate(`(() => {
          const gl = document.createElement('canvas').getContext('webgl2');
          const info = gl && gl.getExtension('WEBGL_debug_renderer_info');
          return info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : 'no WebGL';
        })()`)) as string;
      } finally {
        await page.close();
      }
    },
    async close() {
      try {
        await browser.close();
      } finally {
        display?.process.kill();
      }
    },
  };
}

interface Display {
  name: string;
  process: ChildProcess;
}

/** An Xvfb server on the first free display number, once it accepts clients. */
async function startXvfb(size: { width: number; height: number }): Promise<Display> {
  let n = 90;
  while (existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`)) n += 1;
  const name = `:${n}`;
  const proc = spawn(
    'Xvfb',
    [name, '-screen', '0', `${size.width}x${size.height}x24`, '-nolisten', 'tcp'],
    { stdio: 'ignore' },
  );
  // Not left behind by a run that ends without its `finally` (a timeout's signal).
  const kill = () => proc.kill();
  process.once('exit', kill);
  proc.once('exit', () => process.off('exit', kill));
  const failed = new Promise<never>((_, reject) => {
    proc.once('error', (e) =>
      reject(new Error(`--renderer llvmpipe needs Xvfb (apt-get install xvfb): ${e.message}`)),
    );
    proc.once('exit', (code) => reject(new Error(`Xvfb ${name} exited (${code})`)));
  });
  const ready = (async () => {
    for (let i = 0; i < 100 && !existsSync(`/tmp/.X11-unix/X${n}`); i++)
      await new Promise((r) => setTimeout(r, 50));
    if (!existsSync(`/tmp/.X11-unix/X${n}`)) throw new Error(`Xvfb ${name} did not start in 5 s`);
  })();
  failed.catch(() => {});
  await Promise.race([ready, failed]).catch((err: unknown) => {
    proc.kill();
    throw err;
  });
  return { name, process: proc };
}
