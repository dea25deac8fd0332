import { describe, expect, it, vi } from 'vitest';
import { distanceMetres, FieldReportSchema, type LngLat } from '../../shared/index.js';
import { demoCity } from '../../tests/support/server.js';
import { HttpError } from '../http-error.js';
import { Agenda } from './agenda.js';
import { ReportFactory, type GeneratedReport } from './arrivals.js';
import {
  GridWorkerPhones,
  GridWorkersOnDuty,
  ROUND_RADIUS_M,
  type FieldService,
} from './grid-workers.js';
import { gridWorkerActor } from './handling.js';
import { Places } from './places.js';
import { seededRandom } from './random.js';

/** 00:00 in the centre's time (UTC+8) on a demo day. */
const MIDNIGHT_LOCAL = Date.parse('2026-11-21T16:00:00.000Z');
const local = (hours: number) => MIDNIGHT_LOCAL + hours * 3_600_000;

function fakeField() {
  const moves: { id: string; position: LngLat; at: string; accuracy?: number }[] = [];
  const off: string[] = [];
  const field: FieldService = {
    report: vi.fn(async () => ({
      result: 'created' as const,
      reportId: 'RPT-1',
      incidentId: 'INC-1',
    })),
    moveWorker: (id, position, at, accuracy) => moves.push({ id, position, at, accuracy }),
    offDuty: (id) => off.push(id),
  };
  return { field, moves, off };
}

describe('grid workers on duty', () => {
  const workers = demoCity().gridWorkers;
  const stations = new Map(workers.map((w) => [w.id, w.position]));

  it('puts forty of the city’s grid workers on their rounds from about 07:00 to 19:00', () => {
    const duty = new GridWorkersOnDuty(workers, seededRandom(1));
    expect(duty.walkers).toHaveLength(40);
    expect(new Set(duty.walkers.map((w) => w.worker.id)).size).toBe(40);
    const on = (hours: number) => duty.walkers.filter((w) => duty.onShift(w, local(hours))).length;
    expect(on(3)).toBe(0);
    expect(on(6.98)).toBe(0);
    expect(on(7.51)).toBe(40);
    expect(on(12)).toBe(40);
    expect(on(18.49)).toBe(40);
    expect(on(19)).toBe(0);
    expect(on(8 + 24)).toBe(40);
    // The same seed, the same forty.
    const again = new GridWorkersOnDuty(workers, seededRandom(1));
    expect(again.walkers.map((w) => w.worker.id)).toEqual(duty.walkers.map((w) => w.worker.id));
  });

  it('walks each slowly around its station, never far from it, and goes off duty once', () => {
    for (const timeScale of [1, 600]) {
      const duty = new GridWorkersOnDuty(workers, seededRandom(2), { count: 10, timeScale });
      for (const walker of duty.walkers) {
        let t = local(12);
        const first = duty.fix(walker, t);
        expect(first).toMatchObject({ kind: 'on', position: walker.home });
        let last = walker.home;
        let travelled = 0;
        for (let i = 0; i < 600; i++) {
          t += 30_000;
          const fix = duty.fix(walker, t);
          if (fix?.kind !== 'on') throw new Error(`off duty at ${new Date(t).toISOString()}`);
          expect(distanceMetres(fix.position, stations.get(walker.worker.id)!)).toBeLessThanOrEqual(
            ROUND_RADIUS_M + 1,
          );
          const step = distanceMetres(last, fix.position);
          // 30 s at a slow walk; a compressed day still only a walk's step at a time.
          expect(step).toBeLessThanOrEqual(timeScale === 1 ? 1.1 * 30 + 0.1 : 120.1);
          expect(fix.accuracy).toBeGreaterThanOrEqual(5);
          travelled += step;
          last = fix.position;
        }
        expect(travelled).toBeGreaterThan(timeScale === 1 ? 2_000 : 10_000);
        expect(duty.fix(walker, local(20))).toEqual({ kind: 'off' });
        expect(duty.fix(walker, local(20.01))).toBeUndefined();
      }
    }
  });

  it('sends each phone’s position every 30 s on the agenda, and takes them off the map', () => {
    const { field, moves, off } = fakeField();
    const agenda = new Agenda();
    let now = local(18.4);
    const duty = new GridWorkersOnDuty(workers, seededRandom(3), { count: 5 });
    duty.start(agenda, () => new Date(now), field);
    agenda.runDue(now);
    // The first fix of each at once.
    expect(moves.map((m) => m.id).sort()).toEqual(duty.walkers.map((w) => w.worker.id).sort());
    moves.length = 0;
    for (let s = 0; s < 300; s++) agenda.runDue((now += 1_000));
    // Five minutes: ten fixes a phone, each at its own moment.
    const perWorker = new Map<string, number>();
    for (const m of moves) perWorker.set(m.id, (perWorker.get(m.id) ?? 0) + 1);
    expect([...perWorker.values()].every((n) => n >= 9 && n <= 11)).toBe(true);
    expect(new Set(moves.map((m) => m.at)).size).toBeGreaterThan(30);
    // Past 19:00 every phone says it is off duty, once.
    while (now < local(19.1)) agenda.runDue((now += 1_000));
    expect(off.sort()).toEqual(duty.walkers.map((w) => w.worker.id).sort());
    duty.leave(field);
    expect(off).toHaveLength(5);
  });
});

describe('grid workers’ phones', () => {
  const city = demoCity();
  const places = new Places(city);

  function reports(n: number): GeneratedReport[] {
    const factory = new ReportFactory(places, city, seededRandom(4), { runId: 'gw-test' });
    return Array.from({ length: n }, (_, i) => factory.next(new Date(local(9) + i * 20_000)));
  }

  it('settles about three in ten of a grid worker’s small matters on the spot, nothing else', () => {
    const { field } = fakeField();
    const phones = new GridWorkerPhones(places, city.gridWorkers, field, seededRandom(5));
    const all = reports(4_000);
    const small = (g: GeneratedReport) =>
      g.input.source === 'grid-worker' &&
      ['low', 'medium'].includes(g.input.severity ?? '') &&
      !g.input.groupRisk &&
      ['city-management', 'safety-hazard', 'citizen-request', 'dispute'].includes(g.input.category);
    const eligible = all.filter(small);
    expect(eligible.length).toBeGreaterThan(300);
    const settled = eligible.filter((g) => phones.settlesOnSpot(g)).length / eligible.length;
    expect(settled).toBeGreaterThan(0.24);
    expect(settled).toBeLessThan(0.36);
    expect(all.filter((g) => !small(g)).some((g) => phones.settlesOnSpot(g))).toBe(false);
  });

  it('reports from the worker’s own phone, with the factory’s external id', async () => {
    const { field } = fakeField();
    const phones = new GridWorkerPhones(places, city.gridWorkers, field, seededRandom(6));
    const generated = reports(400).find(
      (g) => g.input.source === 'grid-worker' && g.input.category === 'dispute',
    )!;
    const worker = phones.reporterOf(generated)!;
    expect(worker.id).toBe(places.byId.get(generated.gridId)!.gridWorkerId);
    expect(
      phones.reporterOf({ ...generated, input: { ...generated.input, source: 'hotline' } }),
    ).toBeUndefined();

    await expect(phones.report(worker, generated, true)).resolves.toEqual({
      ok: true,
      result: 'created',
      incidentId: 'INC-1',
    });
    const [actor, report] = vi.mocked(field.report).mock.calls[0]!;
    expect(actor).toEqual(gridWorkerActor(worker));
    expect(actor).toMatchObject({ id: `gw:${worker.id}`, role: 'grid', gridWorkerId: worker.id });
    expect(report).toMatchObject({
      externalId: generated.input.externalId,
      category: 'dispute',
      title: generated.input.title,
      photos: [],
      selfHandled: { comment: expect.stringMatching(/调解|劝解|沟通|谅解/), photos: [] },
    });
    // All the phones' schema asks but the photo, which a simulated phone cannot take.
    const parsed = FieldReportSchema.safeParse(report);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).toEqual(['selfHandled.photos']);

    await phones.report(worker, generated, false);
    expect(vi.mocked(field.report).mock.calls[1]![1].selfHandled).toBeUndefined();

    vi.mocked(field.report).mockRejectedValueOnce(new HttpError(400, 'location: outside the city'));
    await expect(phones.report(worker, generated, false)).resolves.toEqual({
      ok: false,
      status: 400,
      error: 'location: outside the city',
    });
  });
});
