// Temporary: screenshots of the sub-centre desks and the street wall. Deleted after use.
import { mkdirSync } from 'node:fs';
import { launchBrowser, loginAs } from './browser.js';
import { api, demoCity, login, postReport, report, startTestServer } from './server.js';

const out = '/tmp/centre-shots';
mkdirSync(out, { recursive: true });
const server = await startTestServer();
const url = server.url;
try {
  const grids = demoCity()
    .regions.features.filter((f) => f.properties.id.startsWith('d01-s01-c07-g'))
    .map((f) => f.properties.center);
  const streetGrids = demoCity()
    .regions.features.filter(
      (f) => f.properties.level === 'grid' && f.properties.id.startsWith('d01-s01-c0') && !f.properties.id.startsWith('d01-s01-c07'),
    )
    .map((f) => f.properties.center);
  const titles = ['楼道堆放杂物', '邻里噪音纠纷', '小区门口占道经营', '井盖缺失', '车辆违停堵塞消防通道', '广场舞扰民'];
  const ids: string[] = [];
  for (const [n, title] of titles.entries()) {
    const [lng, lat] = grids[n % grids.length]!;
    const r = await postReport(url, report({ title, severity: n < 4 ? 'low' : 'medium', location: { lng: lng + n * 0.0003, lat } }));
    ids.push(r.body.incidentId ?? r.body.id ?? r.body.incident?.id);
    console.log(r.status, JSON.stringify(r.body).slice(0, 200));
  }
  for (const [n, [lng, lat]] of streetGrids.slice(0, 3).entries()) {
    await postReport(url, report({ title: `街面秩序问题${n + 1}`, severity: 'medium', location: { lng, lat } }));
  }
  const tokens = {
    community: await login(url, 'community'),
    street: await login(url, 'street'),
    duty: await login(url, 'duty'),
  };
  const get = async (id: string, who: keyof typeof tokens) =>
    (await api(url, `/api/v1/incidents/${id}`, { token: tokens[who] })).body.incident ?? (await api(url, `/api/v1/incidents/${id}`, { token: tokens[who] })).body;
  const act = async (id: string, who: keyof typeof tokens, body: Record<string, unknown>) => {
    const i = await get(id, who);
    const r = await api(url, `/api/v1/incidents/${id}/actions`, { token: tokens[who], body: { version: i.version, ...body } });
    console.log(who, body.action, r.status, r.status >= 300 ? JSON.stringify(r.body) : r.body.centreLevel ?? r.body.incident?.centreLevel);
  };
  console.log('levels', await Promise.all(ids.map(async (id) => (await get(id, 'duty')).centreLevel)));
  // The community escalates two; the city assigns one down to the community; the street takes up one.
  await act(ids[0]!, 'community', { action: 'accept' });
  await act(ids[0]!, 'community', { action: 'escalate', comment: '社区调解未果，请街道协调' });
  await act(ids[1]!, 'community', { action: 'escalate', comment: '涉及多个部门，上报街道' });
  await act(ids[4]!, 'duty', { action: 'take' });
  await act(ids[4]!, 'duty', { action: 'assign-down', to: 'community' });
  await act(ids[2]!, 'street', { action: 'take' });

  const browser = await launchBrowser();
  const shot = async (name: string, path: string, width: number, height: number, user?: string, select?: string, click?: string) => {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`${name}: ${e.message}`));
    if (user) await loginAs(page, url, user);
    await page.goto(`${url}${path}`);
    await page
      .waitForSelector('.city-map[data-ready=true]', { state: 'attached', timeout: 60_000 })
      .catch(() => console.error(`${name}: map not ready`));
    await page.waitForTimeout(4000);
    if (select) {
      await page.locator(`.queue li[data-id="${select}"]`).click();
      await page.waitForTimeout(1500);
    }
    if (click) {
      await page.locator(click).first().click();
      await page.waitForTimeout(500);
    }
    console.log(name, await page.locator('[data-centre-name]').allTextContents(),
      await page.locator('[data-centre-level]').evaluateAll((els) => els.map((e) => e.getAttribute('data-centre-level')).join(',')),
      await page.locator('[data-handover]').allTextContents(),
      await page.locator('[data-action]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')).join(',')));
    await page.screenshot({ path: `${out}/${name}.png` });
    await context.close();
  };
  await shot('desk-community', '/desk', 1366, 768, 'community', ids[4]);
  await shot('desk-street', '/desk', 1366, 768, 'street', ids[0]);
  await shot('desk-community-held', '/desk', 1366, 768, 'community', ids[1]);
  await shot('desk-community-escalate', '/desk', 1366, 768, 'community', ids[3], '[data-action=escalate]');
  await shot('desk-street-assign', '/desk', 1366, 768, 'street', ids[2], '[data-action=assign-down]');
  await shot('wall-street', '/wall?device=demo-street-wall-device-token&rotate=0', 1920, 1080);
  await browser.close();
} finally {
  await server.stop();
}
