// A first start of the demo in real Chromium: the past the simulator makes at first start gives
// every screen real figures (no 0.0 %, rankings that differ), and the statistics screen reads
// the period with its comparisons and drills down a level.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { prepareDemoHistory } from '../../server/simulate/history/index.js';
import { launchBrowser, loginAs } from '../support/browser.js';
import { demoCity, startTestServer, type TestServer } from '../support/server.js';

const HOUR = 3_600_000;
let server: TestServer;
let browser: Browser;
const dataDir = mkdtempSync(join(tmpdir(), 'citybrain-e2e-history-'));

beforeAll(async () => {
  // The centre's clock at 14:00 local time today, so "today" has a morning behind it whenever
  // the test runs; the past is made up to that moment, as a first start makes it.
  const now = new Date();
  const local = new Date(now.getTime() + 8 * HOUR);
  const twoPm =
    Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), 14) - 8 * HOUR;
  const shift = twoPm - now.getTime();
  const clock = () => new Date(Date.now() + shift);
  const config = loadConfig({ DATA_DIR: dataDir, DEMO_HISTORY_DAYS: '3' });
  await prepareDemoHistory(config, demoCity(), clock());
  server = await startTestServer({ dataDir, clock });
  browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function open(user: string | undefined, path: string, ready: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  if (user) await loginAs(page, server.url, user);
  await page.goto(`${server.url}${path}`);
  await page.waitForSelector(ready, { timeout: 90_000 });
  return page;
}

describe('a first start with the demo past', { timeout: 240_000 }, () => {
  it('shows real figures on the desk, the briefing and the wall: no 0.0 %', async () => {
    for (const [user, path, figure] of [
      ['duty', '/desk', '[data-kpi]'],
      ['leader', '/brief', '[data-figure] [data-value]'],
      [undefined, '/wall?device=demo-wall-device-token&rotate=0', '[data-kpi]'],
    ] as const) {
      const page = await open(user, path, figure);
      // The figures arrive with the first snapshot or answer: wait until rates are filled in.
      await page.waitForFunction(
        (sel) =>
          [...document.querySelectorAll(sel)].some((e) => /\d+\.\d%/.test(e.textContent ?? '')),
        figure,
        { timeout: 30_000 },
      );
      const values = await page.$$eval(figure, (els) => els.map((e) => e.textContent!.trim()));
      expect(values.length, path).toBeGreaterThan(3);
      // A count may be 0 (no camera offline); a rate of 0.0 % is a centre with no history.
      for (const v of values) expect(v, `${path}: ${values.join(' | ')}`).not.toMatch(/^0(\.0)?%$/);
      expect(values.filter((v) => v.endsWith('%')).length, path).toBeGreaterThan(1);
      expect(await page.innerText('body'), path).not.toMatch(/(^|[^\d.])0\.0%/);
      await page.close();
    }
  });

  it('draws the heat map of the last 30 days on the desk', async () => {
    const page = await open('duty', '/desk', '.city-map[data-ready=true]');
    await page.selectOption('select[data-thematic]', 'heat');
    await page.waitForFunction(
      () =>
        Number(document.querySelector('[data-heat-count]')?.getAttribute('data-heat-count')) >
        1_000,
      undefined,
      { timeout: 20_000 },
    );
    await page.click('[data-heat-days="7"]');
    await page.waitForFunction(
      () => {
        const n = Number(
          document.querySelector('[data-heat-count]')?.getAttribute('data-heat-count'),
        );
        return n > 0 && n < 10_000;
      },
      undefined,
      { timeout: 20_000 },
    );
    await page.close();
  });

  it('reads a period on the statistics screen with its comparisons, and goes down a level', async () => {
    const page = await open('leader', '/stats', '[data-figure=intake] [data-value]');
    await page.click('[data-period=week]');
    await page.waitForFunction(() =>
      document.querySelector('[data-stats-meta]')?.textContent?.includes('统计周期'),
    );
    const intake = Number(
      (await page.innerText('[data-figure=intake] [data-value]')).replace(/,/g, ''),
    );
    expect(intake).toBeGreaterThan(500);
    expect(await page.innerText('[data-figure=closeRate]')).toMatch(/环比/);
    // Every rate card has something to count: 即办 and 自行处置 too, from the reception and phones.
    for (const rate of [
      'closeRate',
      'onTimeRate',
      'satisfaction',
      'immediateRate',
      'selfHandledRate',
    ])
      expect(await page.innerText(`[data-figure=${rate}] [data-value]`), rate).not.toMatch(
        /^(0\.0%|—)$/,
      );
    const rows = page.locator('tr[data-area]');
    expect(await rows.count()).toBeGreaterThan(2);
    const first = rows.first();
    const name = (await first.locator('td').first().innerText()).trim();
    const district = await first.getAttribute('data-area');
    await first.click();
    await page.waitForFunction(
      (id) =>
        [...document.querySelectorAll('tr[data-area]')].every((r) =>
          r.getAttribute('data-area')!.startsWith(id!),
        ),
      district,
      { timeout: 10_000 },
    );
    expect(await page.innerText('.path')).toContain(name);
    // The ranking says why: each street's parts add up to its score.
    const [score, parts] = await page.$eval('[data-rank-area]', (li) => [
      Number(li.querySelector('[data-score]')!.textContent),
      [...li.querySelectorAll('.part')].reduce(
        (n, p) => n + parseFloat((p as HTMLElement).style.width),
        0,
      ),
    ]);
    expect(parts).toBeCloseTo(score, 0);
    await page.close();
  });
});
