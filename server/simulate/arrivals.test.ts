import { describe, expect, it } from 'vitest';
import {
  cameraSees,
  CATEGORIES,
  distanceMetres,
  ReportInputSchema,
  type Category,
  type Source,
} from '../../shared/index.js';
import { demoCity } from '../../tests/support/server.js';
import {
  arrivalsBetween,
  CATEGORY_MIX,
  ratePerHour,
  ReportFactory,
  type GeneratedReport,
} from './arrivals.js';
import { Places } from './places.js';
import { seededRandom } from './random.js';

const DAY = 86_400_000;
/** 00:00 in the centre's time (UTC+8) on a demo day. */
const MIDNIGHT_LOCAL = Date.parse('2026-11-21T16:00:00.000Z');
const at = (hour: number, day = 0) => new Date(MIDNIGHT_LOCAL + day * DAY + hour * 3_600_000);

function generate(n: number, seed = 1): GeneratedReport[] {
  const city = demoCity();
  const factory = new ReportFactory(new Places(city), city, seededRandom(seed), { runId: 'test' });
  return Array.from({ length: n }, (_, i) => factory.next(new Date(at(8).getTime() + i * 30_000)));
}

describe('arrivals: the day-and-night curve', () => {
  it('brings more reports at 10:00 than at 03:00, at the rates of a mid-size city', () => {
    const rng = seededRandom(42);
    let morning = 0;
    let night = 0;
    const days = 40;
    for (let d = 0; d < days; d++) {
      morning += arrivalsBetween(at(10, d), at(11, d), rng).length;
      night += arrivalsBetween(at(3, d), at(4, d), rng).length;
    }
    expect(morning / days).toBeGreaterThanOrEqual(60);
    expect(morning / days).toBeLessThanOrEqual(95);
    expect(night / days).toBeGreaterThanOrEqual(12);
    expect(night / days).toBeLessThanOrEqual(25);
    expect(morning).toBeGreaterThan(night * 3);
  });

  it('follows the local hour of the centre, not UTC', () => {
    // 02:00 UTC is 10:00 in China.
    expect(ratePerHour(new Date('2026-11-22T02:00:00Z'))).toBeGreaterThan(
      ratePerHour(new Date('2026-11-22T19:00:00Z')) * 3,
    );
  });

  it('multiplies the rate by the time scale', () => {
    const rng = seededRandom(3);
    const real = arrivalsBetween(at(10), at(11), rng, 1).length;
    const fast = arrivalsBetween(at(10), new Date(at(10).getTime() + 360_000), rng, 60).length;
    // Six real minutes at ×60 carry six simulated hours of the morning.
    expect(fast).toBeGreaterThan(real * 4);
  });
});

describe('arrivals: what gets reported', () => {
  const reports = generate(5_000);

  it('matches the category mix, with disputes the largest category', () => {
    const counts = new Map<Category, number>();
    for (const r of reports) counts.set(r.input.category, (counts.get(r.input.category) ?? 0) + 1);
    for (const category of CATEGORIES) {
      const share = (counts.get(category) ?? 0) / reports.length;
      expect(Math.abs(share - CATEGORY_MIX[category]), category).toBeLessThan(0.025);
    }
    const largest = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    expect(largest).toBe('dispute');
  });

  it('sends valid reports inside the city, from sources that fit the category, with unique ids', () => {
    const places = new Places(demoCity());
    const citizen: Source[] = ['hotline', 'online-petition', 'grid-worker'];
    for (const r of reports) {
      expect(ReportInputSchema.safeParse(r.input).success).toBe(true);
      expect(places.gridAt([r.input.location.lng, r.input.location.lat])?.id).toBe(r.gridId);
      expect(r.input.title).toMatch(/[\u4e00-\u9fff]/);
      expect(r.input.description).not.toMatch(/[{}]/);
      expect(Date.parse(r.input.time)).toBeLessThanOrEqual(at(8).getTime() + 5_000 * 30_000);
      if (r.input.category === 'video-alarm') expect(r.input.source).toBe('video-analytics');
      else expect(r.input.source).not.toBe('video-analytics');
      if (r.input.category === 'citizen-request') expect(citizen).toContain(r.input.source);
    }
    expect(new Set(reports.map((r) => `${r.input.source}/${r.input.externalId}`)).size).toBe(
      reports.length,
    );
    const severities = reports.map((r) => r.input.severity);
    const share = (s: string) => severities.filter((x) => x === s).length / severities.length;
    expect(share('low') + share('medium')).toBeGreaterThan(0.8);
    expect(share('critical')).toBeGreaterThan(0);
    expect(share('critical')).toBeLessThan(0.03);
    const groupRisk = reports.filter((r) => r.input.groupRisk);
    expect(groupRisk.length).toBeGreaterThan(0);
    expect(groupRisk.length / reports.length).toBeLessThan(0.03);
  });

  it('raises video alarms on real cameras, at a place the camera actually sees', () => {
    const cameras = new Map(demoCity().cameras.map((c) => [c.id, c]));
    const alarms = reports.filter((r) => r.input.category === 'video-alarm');
    expect(alarms.length).toBeGreaterThan(200);
    for (const alarm of alarms) {
      const camera = cameras.get(alarm.input.cameraId ?? '');
      expect(camera, alarm.input.cameraId).toBeDefined();
      expect(camera!.status).not.toBe('offline');
      expect(cameraSees(camera!, [alarm.input.location.lng, alarm.input.location.lat])).toBe(true);
    }
    // Spread over the network, not one camera.
    expect(new Set(alarms.map((a) => a.input.cameraId)).size).toBeGreaterThan(alarms.length / 4);
  });

  it('makes hot-spot grids produce disputes again and again', () => {
    const city = demoCity();
    const hotGrids = new Set(
      city.hotspots.filter((h) => h.category === 'dispute').map((h) => h.gridId),
    );
    expect(hotGrids.size).toBeGreaterThan(0);
    const perGrid = new Map<string, number>();
    for (const r of reports) {
      if (r.input.category !== 'dispute') continue;
      perGrid.set(r.gridId, (perGrid.get(r.gridId) ?? 0) + 1);
    }
    const grids = city.regions.features.filter((f) => f.properties.level === 'grid');
    const mean = (ids: string[]) =>
      ids.reduce((s, id) => s + (perGrid.get(id) ?? 0), 0) / ids.length;
    const hot = mean([...hotGrids]);
    const other = mean(grids.map((g) => g.properties.id).filter((id) => !hotGrids.has(id)));
    expect(hot).toBeGreaterThan(other * 5);
    // Each hot spot shows up repeatedly, not once.
    const repeated = [...hotGrids].filter((id) => (perGrid.get(id) ?? 0) >= 3);
    expect(repeated.length).toBeGreaterThan(hotGrids.size / 2);
  });

  it('files a follow-up of the same event from another source, close enough to deduplicate', () => {
    const city = demoCity();
    const rng = seededRandom(9);
    const factory = new ReportFactory(new Places(city), city, rng, { runId: 'dup' });
    for (let i = 0; i < 200; i++) {
      const first = factory.next(at(9));
      const second = factory.followUp(first, at(9));
      expect(second.input.category).toBe(first.input.category);
      expect(second.input.externalId).not.toBe(first.input.externalId);
      if (first.input.category === 'video-alarm') {
        expect(second.input.cameraId).toBe(first.input.cameraId);
      } else {
        expect(second.input.source).not.toBe(first.input.source);
      }
      const d = distanceMetres(
        [first.input.location.lng, first.input.location.lat],
        [second.input.location.lng, second.input.location.lat],
      );
      expect(d).toBeLessThanOrEqual(25);
    }
  });
});
