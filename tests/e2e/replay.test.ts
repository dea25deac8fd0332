// 复盘 in real Chromium: a past hour replayed shows the same incidents, in the same states, at
// the same moments as the event log says, with the day's figures as they were; played at
// 3600× it ends where the hour ended; pushed to a wall, the wall replays it until the desk ends
// it. The expected answers come from the store's event log, read here straight from SQLite.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, loginAs } from '../support/browser.js';
import {
  api,
  login,
  postReport,
  report,
  startTestServer,
  type TestServer,
} from '../support/server.js';

const HOUR = 3_600_000;
const OPEN = ['reported', 'accepted', 'dispatched', 'handling', 'verifying'];

let server: TestServer;
let browser: Browser;
let duty: string;
/** Each incident's state after every event, in the log's order. */
let events: { at: number; id: string; state: string }[];
/** Each warning's state after every one of its events. */
let warningEvents: { at: number; id: string; state: string }[];
/** Moments between the script's steps, each with the last event before it. */
let moments: number[];

/** The event log's picture at `t`: each incident's state after its last event by then. */
function expectedAt(t: number): Map<string, string> {
  const states = new Map<string, string>();
  for (const e of events) if (e.at <= t) states.set(e.id, e.state);
  return states;
}

/** The warnings standing at `t` by the event log: raised by then and not resolved. */
function warningsAt(t: number): string[] {
  const states = new Map<string, string>();
  for (const e of warningEvents) if (e.at <= t) states.set(e.id, e.state);
  return [...states].filter(([, s]) => s !== 'resolved').map(([id]) => id);
}

/** The centre's clock time (UTC+8) of an instant, HH:mm:ss, worked out here on its own. */
const centreTime = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(11, 19);

beforeAll(async () => {
  // The centre's clock at 14:00 local time today: the script's day has begun and does not end
  // while the test runs, whenever it runs.
  const now = Date.now();
  const local = new Date(now + 8 * HOUR);
  const twoPm =
    Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), 14) - 8 * HOUR;
  const shift = twoPm - now;
  server = await startTestServer({
    clock: () => new Date(Date.now() + shift),
    env: { SIMULATE: 'false' },
  });
  duty = await login(server.url, 'duty');
  browser = await launchBrowser();

  const act = async (id: string, body: Record<string, unknown>) => {
    const { body: detail } = await api(server.url, `/api/v1/incidents/${id}`, { token: duty });
    const res = await api(server.url, `/api/v1/incidents/${id}/actions`, {
      token: duty,
      body: { ...body, version: detail.incident.version },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };
  const post = async (over: Parameters<typeof report>[0]) => {
    const res = await postReport(server.url, report(over));
    expect(res.status).toBe(201);
    return res.body.incidentId as string;
  };
  // The script: each step a few changes, steps apart by more than a second so that a moment
  // between them can be typed to the second. The pause makes the history; nothing waits on it.
  const pause = () => new Promise((r) => setTimeout(r, 1_300));
  const a = await post({ category: 'dispute', title: '复盘甲 邻里纠纷' });
  await pause();
  const b = await post({ category: 'city-management', title: '复盘乙 占道经营', severity: 'high' });
  const c = await post({ category: 'public-order', title: '复盘丙 可疑人员' });
  await pause();
  await act(a, { action: 'accept' });
  await act(b, { action: 'reject', comment: '非本中心职责' });
  await pause();
  await act(a, { action: 'dispatch', departmentId: 'dept-city-management' });
  await act(c, { action: 'accept' });
  await pause();
  await post({ category: 'dispute', title: '复盘丁 家庭矛盾' });
  await act(c, { action: 'dispatch', departmentId: 'dept-city-management' });
  await pause();
  // Flagged 群体性: a red warning (预警) at once.
  await post({ category: 'dispute', title: '复盘戊 群体讨薪', groupRisk: true, severity: 'high' });

  const db = new Database(join(server.dataDir, 'city-brain.sqlite'), { readonly: true });
  const rows = db.prepare(`SELECT at, type, payload FROM events ORDER BY seq`).all() as {
    at: string;
    type: string;
    payload: string;
  }[];
  db.close();
  events = [];
  warningEvents = [];
  for (const r of rows) {
    const delta = JSON.parse(r.payload) as {
      incident?: { id: string; state: string };
      warning?: { id: string; state: string };
    };
    if (r.type === 'incident' && delta.incident)
      events.push({ at: Date.parse(r.at), id: delta.incident.id, state: delta.incident.state });
    if (r.type === 'warning' && delta.warning)
      warningEvents.push({
        at: Date.parse(r.at),
        id: delta.warning.id,
        state: delta.warning.state,
      });
  }
  expect(warningEvents.length).toBeGreaterThan(0);
  // A whole second after each burst of events and before the next: what a jump can reach.
  moments = [];
  const all = [...events, ...warningEvents].map((e) => e.at).sort((a, b) => a - b);
  for (let k = 0; k < all.length; k++) {
    const next = all[k + 1] ?? Infinity;
    const moment = Math.ceil((all[k]! + 1) / 1000) * 1000;
    if (moment < next) moments.push(moment);
  }
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function openReplay(): Promise<{ page: Page; from: number; to: number }> {
  const last = events.at(-1)!.at;
  const to = Math.ceil(last / 1000) * 1000 + 2_000;
  const from = to - HOUR;
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await loginAs(page, server.url, 'duty');
  await page.goto(
    `${server.url}/replay?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`,
  );
  await page.waitForSelector('.city-map[data-ready=true]', { timeout: 60_000 });
  return { page, from, to };
}

/** Types a time into 跳至 and waits for the replay to show that moment. */
async function jumpTo(page: Page, moment: number): Promise<void> {
  await page.fill('input[name=jump]', centreTime(moment));
  await page.click('[data-jump]');
  const iso = new Date(moment).toISOString();
  await page
    .waitForFunction(
      (want) => document.querySelector('[data-replay-at]')?.getAttribute('data-replay-at') === want,
      iso,
      { timeout: 10_000 },
    )
    .catch(async () => {
      const at = await page.getAttribute('[data-replay-at]', 'data-replay-at');
      throw new Error(`typed ${centreTime(moment)} for ${iso}; the replay shows ${at}`);
    });
}

/** Waits until the map holds exactly these incidents. */
async function mapHolds(page: Page, ids: string[]): Promise<void> {
  const want = [...ids].sort().join(' ');
  await page
    .waitForFunction(
      (w) =>
        (document.querySelector<HTMLElement>('.city-map')?.dataset.incidents ?? '')
          .split(' ')
          .filter(Boolean)
          .sort()
          .join(' ') === w,
      want,
      { timeout: 20_000 },
    )
    .catch(async () => {
      const has = await page.$eval('.city-map', (e) => (e as HTMLElement).dataset.incidents);
      throw new Error(`the map holds [${has}], the event log says [${want}]`);
    });
}

describe('replay (复盘) of a past hour', { timeout: 180_000 }, () => {
  it('shows the incidents and their states at each moment as the event log says', async () => {
    expect(moments.length).toBeGreaterThanOrEqual(4);
    const { page } = await openReplay();
    // Back in time before anything happened, then each moment between the script's steps.
    for (const moment of [Math.floor(events[0]!.at / 1000) * 1000 - 60_000, ...moments]) {
      await jumpTo(page, moment);
      const expected = expectedAt(moment);
      await mapHolds(page, [...expected.keys()]);
      // The log's latest line for each incident says its state at that moment.
      const latest = await page.$$eval('[data-log-incident]', (lines) => {
        const out: Record<string, string> = {};
        for (const l of lines)
          out[l.getAttribute('data-log-incident')!] ??= l.getAttribute('data-log-state')!;
        return out;
      });
      expect(latest, centreTime(moment)).toEqual(Object.fromEntries(expected));
      // The day's figures as they were: today's intake, and what was open.
      const open = [...expected.values()].filter((s) => OPEN.includes(s)).length;
      expect(await page.innerText('[data-kpi=intake]')).toBe(String(expected.size));
      expect(await page.innerText('[data-kpi=open]')).toBe(String(open));
      // The warnings that stood then.
      const standing = await page.$$eval('[data-replay-warning]', (ws) =>
        ws.map((w) => w.getAttribute('data-replay-warning')),
      );
      expect(standing.sort(), centreTime(moment)).toEqual(warningsAt(moment).sort());
    }
    await page.close();
  });

  it('plays the hour at 3600× to where it ended', async () => {
    const { page, from, to } = await openReplay();
    await page.fill('input[name=jump]', centreTime(from));
    await page.click('[data-jump]');
    await mapHolds(page, []);
    await page.click('[data-speed="3600"]');
    await page.click('[data-play]');
    await page.waitForFunction(
      (iso) => document.querySelector('[data-replay-at]')?.getAttribute('data-replay-at') === iso,
      new Date(to).toISOString(),
      { timeout: 20_000 },
    );
    await mapHolds(page, [...expectedAt(to).keys()]);
    expect(await page.innerText('[data-play]')).toContain('播放');
    await page.close();
  });

  it('is pushed to a wall, which replays it until the desk ends it', async () => {
    const wall = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await wall.goto(`${server.url}/wall?device=demo-wall-device-token&rotate=0`);
    await wall.waitForSelector('.city-map[data-ready=true]', { timeout: 60_000 });
    const { page } = await openReplay();
    const moment = moments[2]!;
    await page.fill('input[name=jump]', centreTime(moment));
    await page.click('[data-jump]');
    await page.click('[data-push-replay]');
    await wall.waitForSelector('[data-wall-replay] .city-map[data-ready=true]', {
      timeout: 60_000,
    });
    expect(await wall.innerText('[data-wall-banner]')).toContain('复盘');
    expect(await wall.getAttribute('[data-replay-at]', 'data-replay-at')).toBe(
      new Date(moment).toISOString(),
    );
    await mapHolds(wall, [...expectedAt(moment).keys()]);
    await page.click('[data-push-live]');
    await wall.waitForSelector('[data-wall-replay]', { state: 'detached' });
    await wall.close();
    await page.close();
  });
});
