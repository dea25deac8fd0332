// Sub-centres in real Chromium at 1366x768: the community centre's desk shows its community
// only, and a matter it escalates (上报) reaches the street centre's desk, which takes it (接收).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../shared/index.js';
import { loginAs } from '../support/browser.js';
import { e2eEnvironment } from '../support/e2e.js';
import { api, demoCity, INGEST_KEY, login, report } from '../support/server.js';

const env = e2eEnvironment();
const COMMUNITY = 'd01-s01-c07';
const STREET = 'd01-s01';

/** A small matter at a grid of the community named, the next grid each time. */
const turns = new Map<string, number>();
async function post(communityId: string, title: string): Promise<string> {
  const grids = demoCity().regions.features.filter((f) => f.properties.parentId === communityId);
  const n = turns.get(communityId) ?? 0;
  turns.set(communityId, n + 1);
  const [lng, lat] = grids[n % grids.length]!.properties.center;
  const { status, body } = await api(env.server.url, '/api/v1/reports', {
    token: INGEST_KEY,
    body: report({ location: { lng, lat }, severity: 'low', category: 'city-management', title }),
  });
  expect(status).toBe(201);
  return body.incidentId;
}

async function readIncident(id: string): Promise<Incident> {
  const token = await login(env.server.url, 'duty');
  return (await api(env.server.url, `/api/v1/incidents/${id}`, { token })).body.incident;
}

async function openDesk(user: string): Promise<Page> {
  const page = await env.browser.newPage({ viewport: { width: 1366, height: 768 } });
  await loginAs(page, env.server.url, user);
  await page.waitForSelector('.city-map[data-ready=true]', { timeout: 90_000 });
  return page;
}

/** Takes one action from the open detail and waits for the form to close on its success. */
async function act(page: Page, action: string, comment?: string) {
  await page.click(`button[data-action=${action}]`);
  if (comment) await page.fill('textarea[name=comment]', comment);
  await Promise.all([
    page.waitForResponse((r) => r.url().includes('/actions') && r.status() === 200),
    page.click('button.confirm'),
  ]);
  await page.waitForSelector('button.confirm', { state: 'detached', timeout: 5_000 });
}

describe('centres at every level in real Chromium', { timeout: 240_000 }, () => {
  it('shows the community its own community, and its escalation on the street desk at once', async () => {
    const stamp = Date.now();
    const mine = await post(COMMUNITY, `凤凰社区占道经营-${stamp}`);
    const neighbour = await post('d01-s01-c01', `滨江社区占道经营-${stamp}`);
    const elsewhere = await post('d01-s02-c01', `文昌街道占道经营-${stamp}`);

    const community = await openDesk('community');
    const street = await openDesk('street');
    await community.locator(`li[data-id="${mine}"]`).waitFor({ timeout: 10_000 });
    await street.locator(`li[data-id="${neighbour}"]`).waitFor({ timeout: 10_000 });

    // Every incident the community's queue lists lies in the community, by the server's record.
    const listed = await community.$$eval('.queue li[data-id]', (items) =>
      items.map((li) => (li as HTMLElement).dataset.id!),
    );
    expect(listed).toContain(mine);
    expect(listed).not.toContain(neighbour);
    expect(listed).not.toContain(elsewhere);
    for (const id of listed) expect((await readIncident(id)).communityId).toBe(COMMUNITY);
    const streetListed = await street.$$eval('.queue li[data-id]', (items) =>
      items.map((li) => (li as HTMLElement).dataset.id!),
    );
    expect(streetListed).toEqual(expect.arrayContaining([mine, neighbour]));
    expect(streetListed).not.toContain(elsewhere);

    // The community accepts its matter and escalates it to the street with its reason.
    await community.click(`li[data-id="${mine}"]`);
    await act(community, 'accept');
    const badge = street.locator(`li[data-id="${mine}"] [data-handover]`);
    expect(await badge.count()).toBe(0);
    await community.click(`button[data-action=escalate]`);
    await community.fill('textarea[name=comment]', '涉及多个社区，本级难以协调，提请街道统筹处置');
    const [answer] = await Promise.all([
      community.waitForResponse((r) => r.url().includes(`/incidents/${mine}/actions`)),
      community.click('button.confirm'),
    ]);
    expect(answer.status()).toBe(200);
    const escalatedAt = Date.now();
    await badge.waitFor({ timeout: 5_000 });
    const tookMs = Date.now() - escalatedAt;
    console.log(`escalation shown on the street desk ${tookMs} ms after the answer`);

    // On the community's desk it is now the street's: nothing but a note to offer.
    await community.waitForSelector('button[data-action=escalate]', { state: 'detached' });
    expect(await community.locator('button[data-action=accept]').count()).toBe(0);

    // The street takes it (接收), and the badge goes.
    await street.click(`li[data-id="${mine}"]`);
    const [taken] = await Promise.all([
      street.waitForResponse((r) => r.url().includes(`/incidents/${mine}/actions`)),
      street.click('[data-handover-notice] button[data-action=take]'),
    ]);
    expect(taken.status()).toBe(200);
    await badge.waitFor({ state: 'detached', timeout: 5_000 });
    const incident = await readIncident(mine);
    expect(incident.centreLevel).toBe('street');
    expect(incident.handover).toBeUndefined();
    expect(incident.timeline.map((e) => [e.action, e.actor.regionId])).toEqual([
      ['created', undefined],
      ['accept', COMMUNITY],
      ['escalate', COMMUNITY],
      ['take', STREET],
    ]);
    await community.close();
    await street.close();
  });
});
