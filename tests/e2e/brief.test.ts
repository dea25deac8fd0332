// The leaders' briefing (/brief) in real Chromium: today's major matters as they arrive, and the
// 通报 printed to PDF by the browser with the same figures as the screen, read back from the PDF
// with poppler's pdftotext.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loginAs } from '../support/browser.js';
import { e2eEnvironment } from '../support/e2e.js';
import { api, INGEST_KEY, report } from '../support/server.js';

const env = e2eEnvironment();
const dir = mkdtempSync(join(tmpdir(), 'citybrain-brief-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the leaders’ briefing in real Chromium', { timeout: 180_000 }, () => {
  it('lists a critical matter as it arrives and prints a daily report with the screen’s figures', async () => {
    const page = await env.browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await loginAs(page, env.server.url, 'leader');
    expect(new URL(page.url()).pathname).toBe('/brief');
    await page.waitForSelector('[data-figure=intake] [data-value]', { timeout: 60_000 });

    const title = `化工厂泄漏-${Date.now()}`;
    const posted = await api(env.server.url, '/api/v1/reports', {
      token: INGEST_KEY,
      body: report({ category: 'emergency', severity: 'critical', title }),
    });
    expect(posted.status).toBe(201);
    await page
      .locator('[data-brief-major] [data-brief-incident]', { hasText: title })
      .waitFor({ timeout: 10_000 });
    // Today's figures follow: the new matter is counted within seconds.
    await page.waitForFunction(
      () =>
        document.querySelector('[data-figure=intake] [data-value]')?.textContent?.trim() === '1',
      undefined,
      { timeout: 15_000 },
    );

    // The 日报 is printed by the browser: the print dialog is left out, the PDF made from the
    // same page in print media, as "Save as PDF" makes it.
    await page.evaluate(() => {
      window.print = () => undefined;
    });
    await page.click('[data-report=day]');
    await page.waitForSelector('[data-brief-report][data-kind=day]', { state: 'attached' });
    const onScreen = (await page.innerText('[data-figure=intake] [data-value]')).trim();
    const inReport = (await page.innerText('[data-report-figure=intake] td:nth-child(2)')).trim();
    const pdf = await page.pdf({ format: 'A4' });
    const file = join(dir, 'daily.pdf');
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('工作通报（日报）');
    expect(text).toContain(title);
    expect(text).toMatch(/受理量\s+(\S+)/);
    const pdfIntake = /受理量\s+(\S+)/.exec(text)![1];
    // The report and the screen read the same answer: the same count in the PDF.
    expect(pdfIntake).toBe(inReport);
    expect(onScreen).toBe('1');
    expect(pdfIntake).toBe(onScreen);
    for (const name of ['办结率', '按时办结率', '分区统计', '指数排行', '部门考核'])
      expect(text).toContain(name);
    await page.close();
  });
});
