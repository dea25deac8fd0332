import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { CDPSession } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../tests/support/chromium.js';

/** The DevTools calls the benchmark makes, typed as Playwright types them. */
export type Cdp = Pick<CDPSession, 'send' | 'on' | 'off'>;

/**
 * Switches Playwright adds to every launch that change how a page runs: the same browser as the
 * end-to-end tests', with no field trials and nothing throttled in the background.
 */
const AS_PLAYWRIGHT = [
  '--disable-field-trial-config',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
  '--hide-scrollbars',
  '--mute-audio',
];

/**
 * Debian's Chromium driven over its DevTools pipe, with nothing attached to a page but what the
 * benchmark asks for. Playwright enables the Network domain on every page it drives, without a
 * buffer limit, and DevTools then keeps the bodies of the latest responses (up to Chromium's
 * default of some hundred MB) in the page's renderer: sixteen cameras' segments fill it at
 * about 25 MB a minute, a growth no wall without DevTools has.
 */
export class BareChromium {
  private nextId = 0;
  private readonly calls = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly listeners = new Map<string, Set<(params: unknown) => void>>();
  private buffered = '';
  /** Where the search for the next message's end resumes in `buffered`. */
  private scanned = 0;
  private exited = false;
  private closing = false;
  private readonly exitListeners: (() => void)[] = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly profileDir: string,
  ) {
    const fromChromium = child.stdio[4] as Readable;
    fromChromium.setEncoding('utf8');
    fromChromium.on('data', (chunk: string) => this.receive(chunk));
    // A browser that dies, or never starts, ends the pipes too: no error escapes as a crash.
    const gone = () => this.gone();
    child.once('exit', gone);
    child.once('error', gone);
    fromChromium.once('close', gone);
    fromChromium.on('error', gone);
    (child.stdio[3] as Writable).on('error', gone);
  }

  /** The browser target: DevTools calls to the browser as a whole. */
  readonly browser: Cdp = this.channel(undefined);

  /** A headless Chromium whose window, and so what its GPU process composites, is this size. */
  static launch(window: { width: number; height: number }): BareChromium {
    const profileDir = mkdtempSync(join(tmpdir(), 'citybrain-bench-chromium-'));
    const child = spawn(
      CHROMIUM_PATH,
      [
        ...CHROMIUM_ARGS,
        ...AS_PLAYWRIGHT,
        '--headless',
        '--remote-debugging-pipe',
        `--user-data-dir=${profileDir}`,
        `--window-size=${window.width},${window.height}`,
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
    );
    return new BareChromium(child, profileDir);
  }

  /** Called once if the browser goes away other than through close(): a crash, a kill. */
  onExit(listener: () => void): void {
    if (this.exited) {
      if (!this.closing) listener();
    } else this.exitListeners.push(listener);
  }

  /**
   * The page Chromium opened at start, attached through a session of its own, its viewport set
   * to the window's size (headless keeps part of the window for a toolbar it does not draw).
   */
  async page(viewport: { width: number; height: number }): Promise<BarePage> {
    const { targetInfos } = await this.browser.send('Target.getTargets');
    const target = targetInfos.find((t) => t.type === 'page');
    if (!target) throw new Error('Chromium opened no page');
    const { sessionId } = await this.browser.send('Target.attachToTarget', {
      targetId: target.targetId,
      flatten: true,
    });
    const page = new BarePage(this.channel(sessionId));
    // Scripts added for new documents run only while the Page domain is on.
    await page.cdp.send('Page.enable');
    await page.cdp.send('Emulation.setDeviceMetricsOverride', {
      ...viewport,
      deviceScaleFactor: 1,
      mobile: false,
    });
    return page;
  }

  async close(): Promise<void> {
    this.closing = true;
    const exited = () =>
      new Promise<void>((resolve) => {
        if (this.exited) return resolve();
        const timer = setTimeout(resolve, 10_000);
        this.child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    if (!this.exited) {
      void this.browser.send('Browser.close').catch(() => undefined);
      await exited();
      if (!this.exited) {
        this.child.kill('SIGKILL');
        await exited();
      }
    }
    try {
      rmSync(this.profileDir, { recursive: true, force: true, maxRetries: 5 });
    } catch {
      // A helper process still writing there: the temporary directory is the system's to clean.
    }
  }

  private gone(): void {
    if (this.exited) return;
    this.exited = true;
    for (const c of this.calls.values()) c.reject(new Error('Chromium has exited'));
    this.calls.clear();
    if (!this.closing) for (const l of this.exitListeners.splice(0)) l();
  }

  private channel(sessionId: string | undefined): Cdp {
    const send = (method: string, params?: object) => this.call(method, params, sessionId);
    const key = (event: string) => `${sessionId ?? ''}|${event}`;
    const on = (event: string, listener: (params: unknown) => void) => {
      const set = this.listeners.get(key(event)) ?? new Set();
      set.add(listener);
      this.listeners.set(key(event), set);
    };
    const off = (event: string, listener: (params: unknown) => void) =>
      this.listeners.get(key(event))?.delete(listener);
    return { send, on, off } as unknown as Cdp;
  }

  private call(method: string, params: object | undefined, sessionId?: string): Promise<unknown> {
    if (this.exited) return Promise.reject(new Error(`${method}: Chromium has exited`));
    const id = ++this.nextId;
    const message = JSON.stringify({ id, method, params: params ?? {}, sessionId });
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      (this.child.stdio[3] as Writable).write(`${message}\0`);
    });
  }

  /** The pipe carries JSON messages separated by NUL bytes; a trace's can be megabytes. */
  private receive(chunk: string): void {
    this.buffered += chunk;
    let start = 0;
    let end: number;
    while ((end = this.buffered.indexOf('\0', Math.max(start, this.scanned))) >= 0) {
      this.dispatch(this.buffered.slice(start, end));
      start = end + 1;
    }
    this.buffered = this.buffered.slice(start);
    this.scanned = this.buffered.length;
  }

  private dispatch(text: string): void {
    const message = JSON.parse(text) as {
      id?: number;
      method?: string;
      params?: unknown;
      result?: unknown;
      error?: { message: string };
      sessionId?: string;
    };
    if (message.id !== undefined) {
      const call = this.calls.get(message.id);
      this.calls.delete(message.id);
      if (message.error) call?.reject(new Error(message.error.message));
      else call?.resolve(message.result);
    } else if (message.method) {
      for (const l of this.listeners.get(`${message.sessionId ?? ''}|${message.method}`) ?? [])
        l(message.params);
    }
  }
}

/** One page: scripts to run before its own, navigation, and evaluation in it. */
export class BarePage {
  constructor(readonly cdp: Cdp) {}

  async addInitScript(source: string): Promise<void> {
    await this.cdp.send('Page.addScriptToEvaluateOnNewDocument', { source });
  }

  /** Navigates and waits for the load event, a minute at most. */
  async goto(url: string): Promise<void> {
    let onLoad!: () => void;
    let timer: NodeJS.Timeout | undefined;
    const loaded = new Promise<void>((resolve, reject) => {
      onLoad = resolve;
      timer = setTimeout(() => reject(new Error(`${url}: not loaded in 60 s`)), 60_000);
    });
    this.cdp.on('Page.loadEventFired', onLoad);
    try {
      const { errorText } = await this.cdp.send('Page.navigate', { url });
      if (errorText) throw new Error(`${url}: ${errorText}`);
      await loaded;
    } finally {
      clearTimeout(timer);
      this.cdp.off('Page.loadEventFired', onLoad);
    }
  }

  /** The value of an expression in the page, awaited if it is a promise. */
  async evaluate<T>(expression: string): Promise<T> {
    const { result, exceptionDetails } = await this.cdp.send('Runtime.evaluate', {
      expression,
      returnByValue: true,
      awaitPromise: true,
    });
    if (exceptionDetails)
      throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
    return result.value as T;
  }
}
