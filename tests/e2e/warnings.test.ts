// Early warning (预警) in real Chromium: a report flagged as a group risk turns into a red
// warning on the desk and the wall without a reload; the desk acknowledges it (确认) and resolves
// it with a note (解除); a community centre elsewhere never sees it.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { loginAs } from '../support/browser.js';
import { e2eEnvironment } from '../support/e2e.js';
import { api, demoCity, INGEST_KEY, login, report } from '../support/server.js';

const env = e2eEnvironment();
/** 滨江街道 (the demo's street centre) and a community in another street. */
const IN_STREET = 'd01-s01-c01';

async function openDesk(user: string): Promise<Page> {
  const page = await env.browser.newPage({ viewport: { width: 1366, height: 768 } });
  await loginAs(page, env.server.url, user);
  await page.waitForSelector('[data-warnings]', { timeout: 90_000 });
  return page;
}

describe('early warning in real Chromium', { timeout: 240_000 }, () => {
  it('puts a group-risk report on the desk and the wall as a red warning, acknowledged and resolved there', async () => {
    const duty = await openDesk('duty');
    const community = await openDesk('community');
    const wall = await env.browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await wall.goto(`${env.server.url}/wall?device=demo-wall-device-token&rotate=0`);
    await wall.waitForSelector('[data-wall-warnings]', { timeout: 90_000 });

    const title = `外卖骑手聚集讨薪-${Date.now()}`;
    const grid = demoCity().regions.features.find((f) => f.properties.parentId === IN_STREET)!;
    const [lng, lat] = grid.properties.center;
    const posted = await api(env.server.url, '/api/v1/reports', {
      token: INGEST_KEY,
      body: report({ location: { lng, lat }, category: 'public-order', title, groupRisk: true }),
    });
    expect(posted.status).toBe(201);
    const row = (page: Page) => page.locator('[data-warning-id]', { hasText: title });
    await row(duty).waitFor({ timeout: 10_000 });
    expect(await row(duty).getAttribute('data-level')).toBe('red');
    expect(await row(duty).innerText()).toContain(title);
    await wall.locator('[data-wall-warnings]', { hasText: title }).waitFor({ timeout: 10_000 });
    expect(await wall.locator('[data-wall-warnings]').innerText()).toContain('红色预警');
    const id = (await row(duty).getAttribute('data-warning-id'))!;
    // 凤凰社区's centre is in the same street but another community: not shown it, while the
    // city's desk and wall are.
    expect(await row(community).count()).toBe(0);

    // Acknowledge: the row says so on the desk, and the audit trail has it.
    await Promise.all([
      duty.waitForResponse((r) => r.url().includes('/acknowledge') && r.status() === 200),
      row(duty).locator('button[data-action=acknowledge]').click(),
    ]);
    await duty
      .locator('[data-warning-id][data-state=acknowledged]', { hasText: title })
      .waitFor({ timeout: 10_000 });

    // Resolve with a note: it leaves the desk and the wall.
    await row(duty).locator('button[data-action=resolve]').click();
    await duty.fill('[data-resolve-form] input[name=note]', '已劝散，欠薪已协调解决');
    await Promise.all([
      duty.waitForResponse((r) => r.url().includes('/resolve') && r.status() === 200),
      duty.click('button[data-action=confirm-resolve]'),
    ]);
    await duty
      .locator('[data-warning-id]', { hasText: title })
      .waitFor({ state: 'detached', timeout: 10_000 });
    await wall
      .locator('[data-wall-warnings] >> text=' + title)
      .waitFor({ state: 'detached', timeout: 10_000 });

    // The trail is written in small batches: read until both entries are there.
    const admin = await login(env.server.url, 'admin');
    let actions: string[] = [];
    for (const until = Date.now() + 10_000; Date.now() < until;) {
      const trail = await api(env.server.url, '/api/v1/audit?limit=200', { token: admin });
      actions = (trail.body.entries as { action: string; target?: string }[])
        .filter((e) => e.target === id)
        .map((e) => e.action)
        .sort();
      if (actions.length >= 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(actions).toEqual(['warning.acknowledged', 'warning.resolved']);
    for (const page of [duty, community, wall]) await page.close();
  });
});
