// The duty desk's own tools in real Chromium at 1366x768: registration (登记) with 即办 and with a
// place found by name, the grid-worker picker, sending a patrol, 督办, and the centre's clock on a
// PC set to another time zone.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { distanceMetres } from '../../shared/geo/distance.js';
import { loginAs, recordHosts } from '../support/browser.js';
import { e2eEnvironment } from '../support/e2e.js';
import { api, demoCity, INGEST_KEY, login } from '../support/server.js';

const env = e2eEnvironment();
/** Where to keep screenshots for people to look at, when asked (SHOT_DIR=...). */
const shotDir = process.env.SHOT_DIR;

/** A community whose name no other region or key place shares: the search's first hit. */
function uniqueCommunity() {
  const city = demoCity();
  const names = [
    ...city.regions.features.map((f) => f.properties.name),
    ...city.keyPlaces.map((k) => k.name),
  ];
  const community = city.regions.features
    .map((f) => f.properties)
    .find((r) => r.level === 'community' && names.filter((n) => n === r.name).length === 1);
  if (!community) throw new Error('the demo city has no community with a unique name');
  return community;
}

async function readIncident(id: string, user = 'duty') {
  const token = await login(env.server.url, user);
  const { status, body } = await api(env.server.url, `/api/v1/incidents/${id}`, { token });
  expect(status).toBe(200);
  return body.incident;
}

/** Opens the registration form and fills what every registration needs. */
async function startRegistration(
  page: Page,
  fields: { channel: string; name: string; phone: string; title: string },
) {
  await page.click('[data-register]');
  const form = page.locator('[data-registration]');
  await form.waitFor();
  await form
    .locator('.channels label')
    .filter({ has: page.locator(`input[value=${fields.channel}]`) })
    .click();
  await form.locator('input[name=contactName]').fill(fields.name);
  await form.locator('input[name=contactPhone]').fill(fields.phone);
  await form.locator('select[name=category]').selectOption('citizen-request');
  await form.locator('input[name=title]').fill(fields.title);
  await form.locator('textarea[name=description]').fill('来访群众咨询办事流程');
  return form;
}

/** Finds a place by name in the form and picks it; resolves once the map has flown there. */
async function pickByName(page: Page, name: string, id: string, point: [number, number]) {
  await page.fill('input[name=placeSearch]', name);
  await page.locator(`[data-place="${id}"]`).first().click();
  await page.locator('[data-picked]', { hasText: name }).waitFor();
  await page.waitForFunction(
    ([lng, lat]) => {
      const c = document.querySelector<HTMLElement>('.city-map')?.dataset.center?.split(',');
      return !!c && Math.abs(Number(c[0]) - lng) < 1e-4 && Math.abs(Number(c[1]) - lat) < 1e-4;
    },
    point,
    { timeout: 10_000 },
  );
}

/** Submits the registration and answers the new incident's id, as the server gave it. */
async function submitRegistration(page: Page): Promise<string> {
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/registrations')),
    page.click('[data-registration] button[type=submit]'),
  ]);
  expect(answer.status()).toBeLessThan(300);
  const { incidentId } = (await answer.json()) as { incidentId: string };
  // The new incident opens in the detail column in the form's place.
  await page.locator('.detail dd', { hasText: incidentId }).waitFor({ timeout: 5_000 });
  return incidentId;
}

/** Takes one action from the detail and waits for the form to close on its success. */
async function act(page: Page, action: string, fill?: () => Promise<void>) {
  await page.click(`button[data-action=${action}]`);
  await fill?.();
  await page.click('button.confirm');
  await page.waitForSelector('button.confirm', { state: 'detached', timeout: 5_000 });
}

describe('the duty desk’s tools in real Chromium', { timeout: 240_000 }, () => {
  it('registers a walk-in answered on the spot (即办): closed at once', async () => {
    const page = await env.browser.newPage({ viewport: { width: 1366, height: 768 } });
    const hosts = recordHosts(page);
    await loginAs(page, env.server.url, 'duty');
    await page.waitForSelector('.city-map[data-ready=true]', { timeout: 90_000 });
    const place = uniqueCommunity();
    const title = `来访咨询-即办-${Date.now()}`;
    await startRegistration(page, {
      channel: 'visit',
      name: '王女士',
      phone: '13812345678',
      title,
    });
    // Found by name, then set by a click on the map where the map came to rest.
    await pickByName(page, place.name, place.id, place.center);
    const box = (await page.locator('.city-map').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction(
      (name) => !document.querySelector('[data-picked]')?.textContent?.includes(name),
      place.name,
    );
    await page.check('input[name=immediate]');
    await page.fill('textarea[name=answer]', '已当场告知办理流程和所需材料');
    const id = await submitRegistration(page);

    const incident = await readIncident(id);
    expect(incident.state).toBe('closed');
    expect(incident.resolution).toBe('immediate');
    expect(incident.source).toBe('visit');
    expect(incident.contact).toEqual({ name: '王女士', phone: '13812345678' });
    expect(distanceMetres(incident.location, place.center)).toBeLessThan(30);
    // Anyone but a duty officer reads the phone masked.
    expect((await readIncident(id, 'leader')).contact.phone).toBe('138****5678');
    await page.locator('[data-resolution]').waitFor();
    expect([...hosts]).toEqual([new URL(env.server.url).host]);
    await page.close();
  });

  it('registers a call placed by name, then assigns a grid worker, sends a patrol and supervises it', async () => {
    const page = await env.browser.newPage({ viewport: { width: 1366, height: 768 } });
    await loginAs(page, env.server.url, 'duty');
    await page.waitForSelector('.city-map[data-ready=true]', { timeout: 90_000 });
    const place = uniqueCommunity();
    const title = `来电反映-${Date.now()}`;
    await startRegistration(page, { channel: 'call', name: '赵先生', phone: '13900001111', title });
    await pickByName(page, place.name, place.id, place.center);
    const id = await submitRegistration(page);
    let incident = await readIncident(id);
    expect(incident).toMatchObject({ state: 'reported', source: 'call', communityId: place.id });
    expect(distanceMetres(incident.location, place.center)).toBeLessThan(1);

    // The grid's own workers come first in the picker.
    await page.click('button[data-action=assign]');
    const first = page.locator('[data-worker-picker] label[data-worker]').first();
    await first.waitFor();
    const workerId = (await first.getAttribute('data-worker'))!;
    const worker = demoCity().gridWorkers.find((w) => w.id === workerId)!;
    expect(worker.gridIds).toContain(incident.gridId);
    await first.click();
    await page.click('button.confirm');
    await page.waitForSelector('button.confirm', { state: 'detached', timeout: 5_000 });
    await page.locator('[data-grid-worker]', { hasText: worker.name }).waitFor();
    expect((await readIncident(id)).gridWorkerId).toBe(workerId);

    // A patrol close by, as a tracking system reports it, is the nearest in the picker.
    const patrol = demoCity().patrols[0]!;
    const near: [number, number] = [incident.location[0] + 0.001, incident.location[1]];
    const sent = await api(env.server.url, '/api/v1/patrols/positions', {
      token: INGEST_KEY,
      body: { positions: [{ id: patrol.id, position: near, status: 'patrolling' }] },
    });
    expect(sent.status).toBeLessThan(300);
    await page.click('button[data-action=send-patrol]');
    const nearest = page.locator('[data-patrol-picker] label[data-patrol]').first();
    await page.waitForFunction(
      (pid) =>
        document
          .querySelector('[data-patrol-picker] label[data-patrol]')
          ?.getAttribute('data-patrol') === pid,
      patrol.id,
      { timeout: 10_000 },
    );
    await nearest.click();
    await page.click('button.confirm');
    await page.waitForSelector('button.confirm', { state: 'detached', timeout: 5_000 });
    await page.locator('[data-patrols]', { hasText: patrol.name }).waitFor();
    expect((await readIncident(id)).patrolIds).toEqual([patrol.id]);

    // 督办 once accepted: a comment is required; the queue and the detail mark it.
    await act(page, 'accept');
    await act(page, 'supervise', () => page.fill('textarea[name=comment]', '请加快办理'));
    incident = await readIncident(id);
    expect(incident.supervisedAt).toBeTruthy();
    expect(incident.timeline.at(-1)).toMatchObject({ action: 'supervise', comment: '请加快办理' });
    await page.locator('.detail [data-supervised]').waitFor();
    await page.locator(`.queue li[data-id="${id}"] [data-supervised]`).waitFor();
    await page.close();
  });
  it('shows and takes times on the centre’s clock when the PC is set to another zone', async () => {
    // A desk PC left on New York time, twelve or thirteen hours behind the centre (UTC+8).
    const context = await env.browser.newContext({
      viewport: { width: 1366, height: 768 },
      timezoneId: 'America/New_York',
    });
    const page = await context.newPage();
    expect(await page.evaluate(() => new Date().getTimezoneOffset())).toBeGreaterThanOrEqual(240);
    await loginAs(page, env.server.url, 'duty');
    await page.waitForSelector('.city-map[data-ready=true]', { timeout: 90_000 });
    const place = uniqueCommunity();
    const title = `来电反映-时区-${Date.now()}`;
    await startRegistration(page, { channel: 'call', name: '钱女士', phone: '13700002222', title });
    await pickByName(page, place.name, place.id, place.center);
    const id = await submitRegistration(page);
    await act(page, 'accept');

    // The deadline is typed as 18:00 on the centre's calendar two days on: 10:00 UTC that day.
    const CHINA_MS = 8 * 3_600_000;
    const day = new Date(Date.now() + CHINA_MS + 2 * 86_400_000).toISOString().slice(0, 10);
    await act(page, 'dispatch', () => page.fill('input[name=dueAt]', `${day}T18:00`));
    const incident = await readIncident(id);
    expect(incident.deadline.dueAt).toBe(`${day}T10:00:00.000Z`);
    await page.locator('.detail [data-due]', { hasText: `${day} 18:00:00` }).waitFor();

    // Each step of the timeline at its time in the centre, to the second.
    const inCentre = (iso: string) =>
      new Date(Date.parse(iso) + CHINA_MS).toISOString().slice(0, 19).replace('T', ' ');
    const expected = [...incident.timeline].reverse().map((e: { at: string }) => inCentre(e.at));
    await page.waitForFunction(
      (n) => document.querySelectorAll('.detail .timeline time').length === n,
      expected.length,
    );
    expect(await page.locator('.detail .timeline time').allTextContents()).toEqual(expected);
    if (shotDir) await page.screenshot({ path: `${shotDir}/desk-other-zone.png` });
    await context.close();
  });
});
