import ExcelJS from 'exceljs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident, StatsAnswer } from '../../shared/index.js';
import {
  api,
  demoCity,
  login,
  postReport,
  report,
  startTestServer,
  type TestServer,
} from '../support/server.js';
import { importDemoPast } from '../support/store.js';

// Four days of the demo's past, made by the simulator and imported; the expected figures are
// counted here from the incidents themselves, not by the statistics' code.
const END = new Date('2026-11-20T06:00:00.000Z');
const FIRST = '2026-11-17';
const LAST = '2026-11-19';
const HOUR = 3_600_000;

let server: TestServer;
let incidents: Incident[];
let leader: string;
const dataDir = mkdtempSync(join(tmpdir(), 'citybrain-stats-'));

/** The centre's day (UTC+8) of an instant, computed here on its own. */
const dayOf = (iso: string) => new Date(Date.parse(iso) + 8 * HOUR).toISOString().slice(0, 10);
const inRange = (i: Incident, from: string, to: string) =>
  dayOf(i.reportedAt) >= from && dayOf(i.reportedAt) <= to;
const isClosed = (i: Incident) => i.state === 'closed' || i.state === 'evaluated';
const lateBeforeClose = (i: Incident) =>
  i.timeline.some(
    (t) =>
      t.action === 'overdue' &&
      ['accept', 'dispatch', 'respond', 'handle', 'verify'].includes(t.detail?.step as string) &&
      (!i.closedAt || t.at <= i.closedAt),
  );

beforeAll(async () => {
  incidents = await importDemoPast(dataDir, { end: END, days: 4, seed: 3 });
  // The server's clock goes on from where the past ends, so no deadline passes unseen by it.
  const started = Date.now();
  server = await startTestServer({
    dataDir,
    clock: () => new Date(END.getTime() + Date.now() - started),
  });
  leader = await login(server.url, 'leader');
}, 120_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function stats(query: string, token = leader): Promise<StatsAnswer> {
  const { status, body } = await api(server.url, `/api/v1/stats?${query}`, { token });
  expect(status, JSON.stringify(body)).toBe(200);
  return body as StatsAnswer;
}

describe('statistics over a period', () => {
  it('count what the incidents say, city-wide, by street, by category and source', async () => {
    const answer = await stats(`period=custom&date=${FIRST}&to=${LAST}`);
    const mine = incidents.filter((i) => inRange(i, FIRST, LAST));
    expect(mine.length).toBeGreaterThan(2_500);
    const closed = mine.filter(isClosed);
    const f = answer.figures.current;
    expect(f.intake).toBe(mine.length);
    expect(f.closed).toBe(closed.length);
    const rejected = mine.filter((i) => i.state === 'rejected').length;
    expect(f.closeRate).toBeCloseTo(closed.length / (mine.length - rejected), 10);
    expect(f.onTimeRate).toBeCloseTo(
      closed.filter((i) => !lateBeforeClose(i)).length / closed.length,
      10,
    );
    expect(f.overdue).toBe(mine.filter(lateBeforeClose).length);
    const rated = mine.filter((i) => i.rating !== null);
    expect(f.satisfaction).toBeCloseTo(
      rated.filter((i) => i.rating! >= 4).length / rated.length,
      10,
    );
    const disputes = mine.filter((i) => i.category === 'dispute');
    expect(f.disputeResolveRate).toBeCloseTo(
      disputes.filter(isClosed).length / disputes.length,
      10,
    );
    expect(f.repeatRate).toBeCloseTo(
      mine.filter((i) => i.reportCount > 1).length / mine.length,
      10,
    );
    expect(f.selfHandled).toBe(mine.filter((i) => i.resolution === 'self-handled').length);
    const hours = closed
      .map((i) => (Date.parse(i.closedAt!) - Date.parse(i.reportedAt)) / HOUR)
      .sort((a, b) => a - b);
    expect(f.meanCloseHours).toBeCloseTo(hours.reduce((a, b) => a + b, 0) / hours.length, 6);
    // The p90 is read from a histogram: it lies within the bucket of the exact one.
    const exact = hours[Math.ceil(0.9 * hours.length) - 1]!;
    const bounds = [0, 0.25, 0.5, 1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 336, 720];
    const bucket = bounds.findIndex((b, n) => exact > b && exact <= (bounds[n + 1] ?? Infinity));
    expect(f.p90CloseHours!).toBeGreaterThanOrEqual(bounds[bucket]!);
    expect(f.p90CloseHours!).toBeLessThanOrEqual(bounds[bucket + 1] ?? Infinity);

    // One level down: the districts, each with its own count.
    const byDistrict = new Map<string, number>();
    for (const i of mine) byDistrict.set(i.districtId, (byDistrict.get(i.districtId) ?? 0) + 1);
    expect(Object.fromEntries(answer.breakdown.map((b) => [b.id, b.figures.intake]))).toEqual(
      Object.fromEntries(byDistrict),
    );
    const byCategory: Record<string, number> = {};
    for (const i of mine) byCategory[i.category] = (byCategory[i.category] ?? 0) + 1;
    expect(answer.mix.category).toEqual(byCategory);
    expect(answer.trend.map((d) => d.day)).toEqual([FIRST, '2026-11-18', LAST]);
    expect(answer.trend.reduce((n, d) => n + d.intake, 0)).toBe(mine.length);

    // A street's grids, and a department's record.
    const street = 'd01-s01';
    const streetAnswer = await stats(`period=custom&date=${FIRST}&to=${LAST}&area=${street}`);
    expect(streetAnswer.figures.current.intake).toBe(
      mine.filter((i) => i.streetId === street).length,
    );
    expect(streetAnswer.breakdown.every((b) => b.level === 'community')).toBe(true);
    const sent = (id: string) =>
      mine.filter((i) =>
        i.timeline.some(
          (t) =>
            (t.action === 'dispatch' || t.action === 'whistle') &&
            (t.detail?.departmentIds as string[] | undefined)?.includes(id),
        ),
      ).length;
    expect(answer.departments.length).toBeGreaterThan(3);
    for (const d of answer.departments.slice(0, 5)) expect(d.figures.assigned).toBe(sent(d.id));
  });

  it('compare a day with the day before, and say when a year ago had nothing', async () => {
    const answer = await stats(`period=day&date=${LAST}`);
    expect(answer.period.previous).toEqual({ from: '2026-11-18', to: '2026-11-18' });
    expect(answer.figures.previous.intake).toBe(
      incidents.filter((i) => dayOf(i.reportedAt) === '2026-11-18').length,
    );
    expect(answer.figures.lastYear.intake).toBe(0);
    expect(answer.figures.lastYear.closeRate).toBeNull();
    // This month is still running on the server's clock: counted to today, compared as far in.
    const month = await stats(`period=month&date=${LAST}`);
    expect(month.period).toMatchObject({ from: '2026-11-01', to: '2026-11-20', toDate: true });
    expect(month.period.previous).toEqual({ from: '2026-10-01', to: '2026-10-20' });
    expect(month.period.lastYear).toEqual({ from: '2025-11-01', to: '2025-11-20' });
  });

  it('move as matters arrive and are worked', async () => {
    const today = dayOf(END.toISOString());
    const before = (await stats(`period=day&date=${today}`)).figures.current;
    const posted = await postReport(server.url, report({ category: 'city-management' }));
    expect(posted.status).toBe(201);
    const { incidentId } = posted.body as { incidentId: string };
    const duty = await login(server.url, 'duty');
    const acted = await api(server.url, `/api/v1/incidents/${incidentId}/actions`, {
      token: duty,
      body: { action: 'reject', version: 1, comment: '不属于受理范围' },
    });
    expect(acted.status, JSON.stringify(acted.body)).toBe(200);
    const after = await stats(`period=day&date=${today}`);
    expect(after.figures.current.intake).toBe(before.intake + 1);
    expect(after.mix.category['city-management']).toBeGreaterThanOrEqual(1);
    // Rejected: received, but not counted against the close rate.
    expect(after.figures.current.open).toBe(before.open);
  });

  it('rank streets by the configured indicators, each indicator with its points', async () => {
    const { status, body } = await api(
      server.url,
      `/api/v1/stats/ranking?period=custom&date=${FIRST}&to=${LAST}&level=street`,
      { token: leader },
    );
    expect(status).toBe(200);
    expect(body.areas.length).toBe(
      demoCity().regions.features.filter((f) => f.properties.level === 'street').length,
    );
    const scores = body.areas.map((a: { score: number }) => a.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(new Set(scores.map((s: number) => s.toFixed(1))).size).toBeGreaterThan(3);
    for (const a of body.areas) {
      const sum = a.parts.reduce((n: number, p: { points: number }) => n + p.points, 0);
      expect(sum).toBeCloseTo(a.score, 6);
      expect(a.parts.map((p: { figure: string }) => p.figure)).toContain('repeatRate');
    }
  });

  it('export a table as XLSX with the same numbers', async () => {
    const res = await fetch(
      `${server.url}/api/v1/stats/export.xlsx?period=custom&date=${FIRST}&to=${LAST}`,
      { headers: { authorization: `Bearer ${leader}` } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(
      /citybrain-breakdown-city-2026-11-17_2026-11-19\.xlsx/,
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const sheet = book.worksheets[0]!;
    expect(String(sheet.getRow(1).getCell(1).value)).toContain('2026-11-17 ~ 2026-11-19');
    expect(sheet.getRow(2).getCell(2).value).toBe('受理量');
    const rows: Record<string, unknown> = {};
    sheet.eachRow((row, n) => {
      if (n > 2) rows[String(row.getCell(1).value)] = row.getCell(2).value;
    });
    expect(rows['合计']).toBe(incidents.filter((i) => inRange(i, FIRST, LAST)).length);
  });
});

describe('the heat map’s points', () => {
  it('are where the period’s incidents happened, in the area asked', async () => {
    const q = `period=custom&date=${FIRST}&to=${LAST}`;
    const { status, body } = await api(server.url, `/api/v1/stats/points?${q}`, { token: leader });
    expect(status).toBe(200);
    const mine = incidents.filter((i) => inRange(i, FIRST, LAST));
    expect(body.points.length).toBe(mine.length);
    expect(body.truncated).toBe(false);
    const key = (p: number[]) => p.map((x) => x.toFixed(6)).join(',');
    expect(new Set(body.points.map(key))).toEqual(new Set(mine.map((i) => key(i.location))));
    const street = await api(server.url, `/api/v1/stats/points?${q}&area=d01-s01&limit=10`, {
      token: leader,
    });
    expect(street.body.points.length).toBe(10);
    expect(street.body.truncated).toBe(true);
    const community = await login(server.url, 'community');
    const outside = await api(server.url, `/api/v1/stats/points?${q}&area=d01-s02`, {
      token: community,
    });
    expect(outside.status).toBe(403);
  });
});

describe('statistics and who asks', () => {
  it('keep a community centre to its own area and refuse what is not a period', async () => {
    const community = await login(server.url, 'community');
    const own = await stats(`period=custom&date=${FIRST}&to=${LAST}`, community);
    expect(own.area.id).toBe('d01-s01-c07');
    expect(own.figures.current.intake).toBe(
      incidents.filter((i) => i.communityId === 'd01-s01-c07' && inRange(i, FIRST, LAST)).length,
    );
    const city = await api(server.url, '/api/v1/stats?area=city', { token: community });
    expect(city.status).toBe(403);
    expect(city.body.error.code).toBe('outside_your_area');
    const bad = await api(server.url, '/api/v1/stats?period=fortnight', { token: leader });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/period/);
    const unknown = await api(server.url, '/api/v1/stats?area=nowhere', { token: leader });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('unknown_region');
    const backwards = await api(
      server.url,
      `/api/v1/stats?period=custom&date=${LAST}&to=${FIRST}`,
      {
        token: leader,
      },
    );
    expect(backwards.status).toBe(400);
    const grid = await login(server.url, 'grid');
    expect((await api(server.url, '/api/v1/stats', { token: grid })).status).toBe(403);
  });
});
