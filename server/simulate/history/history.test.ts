import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Incident, Report } from '../../../shared/index.js';
import { demoCity, startTestServer, login, api } from '../../../tests/support/server.js';
import { levelRules, loadConfig } from '../../config.js';
import { Scopes } from '../../levels/scopes.js';
import { prepareDemoHistory } from './index.js';
import { makeHistory } from './make-history.js';

const DAY = 86_400_000;
const END = new Date('2026-11-20T04:00:00.000Z');

async function make(days: number, seed = 7) {
  const incidents: Incident[] = [];
  const reports: Report[] = [];
  const city = demoCity();
  const result = await makeHistory({
    city,
    scopes: new Scopes(city, levelRules(loadConfig({}).levels)),
    from: new Date(END.getTime() - days * DAY),
    end: END,
    seed,
    utcOffsetMinutes: 480,
    write: async (records) => {
      incidents.push(...records.incidents);
      reports.push(...records.reports);
    },
  });
  return { result, incidents, reports };
}

describe('the demo past', () => {
  it('is an ordinary few days of the city, worked through the loop, the same for the same seed', async () => {
    const { result, incidents, reports } = await make(3);
    // About 1,300 arrivals a day on the day curve; some join another report's incident.
    expect(reports.length).toBeGreaterThan(3 * 1_000);
    expect(reports.length).toBeLessThan(3 * 1_600);
    expect(new Set(incidents.map((i) => i.id)).size).toBe(incidents.length);
    expect(result.incidents).toBe(incidents.length);
    // Every report belongs to an incident that was written with it.
    const ids = new Set(incidents.map((i) => i.id));
    expect(reports.every((r) => ids.has(r.incidentId))).toBe(true);
    for (const i of incidents) {
      expect(Date.parse(i.reportedAt)).toBeGreaterThanOrEqual(END.getTime() - 3 * DAY);
      expect(Date.parse(i.updatedAt)).toBeLessThanOrEqual(END.getTime());
      // The timeline is in time order and starts where intake starts it.
      expect(i.timeline[0]!.action).toBe('created');
      const times = i.timeline.map((t) => Date.parse(t.at));
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
    const by = (f: (i: Incident) => boolean) => incidents.filter(f).length / incidents.length;
    // Most matters are finished; departments are sometimes late; citizens rate what is done.
    expect(by((i) => i.state === 'evaluated' || i.state === 'closed')).toBeGreaterThan(0.8);
    expect(by((i) => i.wasOverdue)).toBeGreaterThan(0.02);
    expect(by((i) => i.wasOverdue)).toBeLessThan(0.5);
    expect(by((i) => i.rating !== null)).toBeGreaterThan(0.4);
    expect(by((i) => i.resolution === 'self-handled')).toBeGreaterThan(0.02);
    // The reception answers some enquiries on the call (即办): closed as opened, by a call.
    const answered = incidents.filter((i) => i.resolution === 'immediate');
    expect(answered.length / incidents.length).toBeGreaterThan(0.005);
    expect(answered.every((i) => i.source === 'call' && i.state === 'closed')).toBe(true);
    expect(answered.every((i) => i.contact?.phone.match(/^1\d{10}$/))).toBe(true);
    expect(by((i) => i.timeline.some((t) => t.action === 'dispatch'))).toBeGreaterThan(0.5);
    // More happens in the day than in the small hours (local time, UTC+8).
    const hour = (i: Incident) => new Date(Date.parse(i.reportedAt) + 8 * 3_600_000).getUTCHours();
    const at = (from: number, to: number) =>
      incidents.filter((i) => hour(i) >= from && hour(i) < to).length;
    expect(at(9, 12)).toBeGreaterThan(2.5 * at(2, 5));
    // What is still open at the end is handed on, not lost.
    expect(result.open.length).toBeGreaterThan(0);
    expect(result.open.every((i) => ids.has(i.id))).toBe(true);

    const again = await make(3);
    expect(again.incidents.map((i) => [i.id, i.state, i.updatedAt])).toEqual(
      incidents.map((i) => [i.id, i.state, i.updatedAt]),
    );
  }, 60_000);

  it('leaves timelines whose every step starts where the one before it left the matter', async () => {
    const { incidents } = await make(1, 11);
    let checked = 0;
    for (const incident of incidents.slice(0, 200)) {
      for (const [n, entry] of incident.timeline.entries()) {
        if (n === 0) continue;
        expect(entry.from).toBe(incident.timeline[n - 1]!.to);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(500);
  }, 60_000);
});

describe('a first start of the demo', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('writes the past once (on its own threads), and the server opens on it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'citybrain-history-'));
    dirs.push(dataDir);
    const config = loadConfig({ DATA_DIR: dataDir, DEMO_HISTORY_DAYS: '2' });
    const city = demoCity();
    const open = await prepareDemoHistory(config, city, new Date());
    expect(open.length).toBeGreaterThan(0);
    // A later start keeps what is there and makes nothing.
    expect(await prepareDemoHistory(config, city, new Date())).toEqual([]);

    const server = await startTestServer({ dataDir });
    try {
      const leader = await login(server.url, 'leader');
      const { body } = await api(server.url, '/api/v1/incidents?limit=1', { token: leader });
      expect(body.total).toBeGreaterThan(1_500);
      // New matters take ids after the past's, never one of them.
      const before = new Set<string>();
      const all = await api(server.url, '/api/v1/incidents?limit=500', { token: leader });
      for (const i of all.body.incidents) before.add(i.id);
      const [lng, lat] = city.regions.features.find((f) => f.properties.level === 'grid')!
        .properties.center;
      const posted = await fetch(`${server.url}/api/v1/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer demo-ingest-key' },
        body: JSON.stringify({
          source: 'hotline',
          externalId: `history-${Date.now()}`,
          category: 'dispute',
          title: '邻里纠纷',
          location: { lng, lat },
          time: new Date().toISOString(),
        }),
      });
      expect(posted.status).toBe(201);
      const { incidentId } = (await posted.json()) as { incidentId: string };
      expect(before.has(incidentId)).toBe(false);
      const counter = Number(incidentId.split('-').at(-1));
      const pastMax = Math.max(...[...before].map((id) => Number(id.split('-').at(-1))));
      expect(counter).toBeGreaterThan(pastMax);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
