import { describe, expect, it, vi } from 'vitest';
import {
  applyAction,
  CATEGORIES,
  defaultLimits,
  type ActionRequest,
  type Actor,
  type Category,
  type Incident,
  type Severity,
} from '../../shared/index.js';
import { testIncident } from '../../shared/testing/incident.js';
import { demoCity } from '../../tests/support/server.js';
import { ACTION_ERROR_STATUS, HttpError } from '../http-error.js';
import { Agenda } from './agenda.js';
import { drawCategory } from './arrivals.js';
import { SimDesk, type Workflow } from './desk.js';
import {
  DepartmentDirectory,
  drawPlan,
  gridWorkerActor,
  nextSteps,
  SIM_DUTY,
  type CasePlan,
  type CaseState,
  type PlanContext,
} from './handling.js';
import { drawSeverity } from './titles.js';
import { seededRandom, type Random } from './random.js';

const START = Date.parse('2026-11-22T00:00:00.000Z');
const HUMAN: Actor = { id: 'duty', name: '值班员 李明', role: 'duty' };

/**
 * The workflow as the server runs it, in memory: the shared state machine, 409 on a stale
 * version or an illegal step, and the overdue clock's flag, which bumps the version.
 */
class MemoryWorkflow implements Workflow {
  readonly incidents = new Map<string, Incident>();
  private next = 0;

  constructor(private readonly now: () => Date) {}

  open(
    category: Category,
    severity: Severity,
    streetId: string,
    over: Partial<Incident> = {},
  ): Incident {
    const at = this.now().toISOString();
    const incident = testIncident({
      id: `INC-${++this.next}`,
      category,
      severity,
      streetId,
      deadline: {
        step: 'accept',
        dueAt: new Date(Date.parse(at) + defaultLimits(category, 'accept')).toISOString(),
        extensions: 0,
        flagged: false,
      },
      reportedAt: at,
      updatedAt: at,
      ...over,
    });
    this.incidents.set(incident.id, incident);
    return incident;
  }

  async act(id: string, request: ActionRequest, actor: Actor): Promise<Incident> {
    await Promise.resolve();
    const incident = this.incidents.get(id);
    if (!incident) throw new HttpError(404, `no incident ${id}`);
    const result = applyAction(incident, request, actor, this.now());
    if (!result.ok)
      throw new HttpError(ACTION_ERROR_STATUS[result.kind], result.message, { code: result.code });
    this.incidents.set(id, result.incident);
    return result.incident;
  }

  flagOverdue(): void {
    const now = this.now().getTime();
    for (const [id, i] of this.incidents) {
      if (!i.deadline || i.deadline.flagged || Date.parse(i.deadline.dueAt) > now) continue;
      this.incidents.set(id, {
        ...i,
        version: i.version + 1,
        wasOverdue: true,
        deadline: { ...i.deadline, flagged: true },
      });
    }
  }
}

function setup(seed: number, timeScale = 1) {
  const city = demoCity();
  let now = START;
  const clock = () => new Date(now);
  const workflow = new MemoryWorkflow(clock);
  const agenda = new Agenda();
  const log = vi.fn();
  const rng: Random = seededRandom(seed);
  const directory = new DepartmentDirectory(city.departments);
  const desk = new SimDesk({
    workflow,
    agenda,
    clock,
    rng,
    timeScale,
    directory,
    gridWorkers: city.gridWorkers,
    log,
  });
  const streets = [...new Set(city.departments.flatMap((d) => (d.streetId ? [d.streetId] : [])))];
  const advance = async (toMs: number, stepMs: number) => {
    while (now < toMs) {
      now = Math.min(toMs, now + stepMs);
      workflow.flagOverdue();
      agenda.runDue(now);
      for (let i = 0; i < 6; i++) await new Promise((r) => setImmediate(r));
    }
  };
  return { city, workflow, desk, agenda, log, rng, directory, streets, advance, clock };
}

describe('simulated departments', () => {
  it('sends each category to the department that handles it, street offices only on their own street', () => {
    const { city, directory, streets } = setup(1);
    const kinds = new Map(city.departments.map((d) => [d.id, d]));
    const rng = seededRandom(11);
    const seen = new Map<Category, string[]>();
    for (let i = 0; i < 3_000; i++) {
      const category = CATEGORIES[i % CATEGORIES.length]!;
      const streetId = streets[i % streets.length]!;
      const ids = directory.choose(rng, { category, streetId }, undefined, false);
      expect(ids).toHaveLength(1);
      const d = kinds.get(ids[0]!)!;
      if (d.kind === 'street-office') expect(d.streetId).toBe(streetId);
      seen.set(category, [...(seen.get(category) ?? []), d.kind]);
    }
    const share = (c: Category, ...k: string[]) =>
      seen.get(c)!.filter((x) => k.includes(x)).length / seen.get(c)!.length;
    expect(share('dispute', 'mediation', 'street-office')).toBeGreaterThan(0.95);
    expect(share('public-order', 'public-security')).toBeGreaterThan(0.6);
    expect(share('video-alarm', 'public-security')).toBeGreaterThan(0.6);
    expect(share('emergency', 'emergency-management')).toBeGreaterThan(0.6);
    expect(share('city-management', 'city-management')).toBeGreaterThan(0.6);
    expect(share('safety-hazard', 'emergency-management', 'fire', 'housing')).toBeGreaterThan(0.8);
    const whistle = directory.choose(
      rng,
      { category: 'dispute', streetId: streets[0]! },
      undefined,
      true,
    );
    expect(whistle.length).toBeGreaterThanOrEqual(2);
    expect(new Set(whistle).size).toBe(whistle.length);
  });
});

describe('the simulated desk working a day', () => {
  it('accepts, dispatches, handles, closes and evaluates most incidents, leaving some for people', async () => {
    const { workflow, desk, advance, rng, streets, log, clock } = setup(2);
    const day = 86_400_000;
    const opened: Incident[] = [];
    const workers = demoCity().gridWorkers;
    // 400 incidents through the first day, then a day and a half to let them finish; most in a
    // grid with a grid worker, a few (and a few group-risk ones) without.
    for (let i = 0; i < 400; i++) {
      await advance(START + (i * day) / 400, 60_000);
      const category = drawCategory(rng);
      const severity = drawSeverity(rng, category);
      const gridWorkerId = i % 10 ? workers[i % workers.length]!.id : null;
      const groupRisk = i % 25 === 0;
      const incident = workflow.open(category, severity, streets[i % streets.length]!, {
        gridWorkerId,
        groupRisk,
      });
      opened.push(incident);
      desk.take(incident.id, { category, severity, groupRisk });
    }
    await advance(clock().getTime() + 1.5 * day, 60_000);
    const final = opened.map((i) => workflow.incidents.get(i.id)!);
    const states = (s: string) => final.filter((i) => i.state === s).length;
    const timelines = final.map((i) => i.timeline);
    const actions = (a: string) => timelines.filter((t) => t.some((e) => e.action === a)).length;

    expect(states('closed') + states('evaluated')).toBeGreaterThan(final.length * 0.85);
    expect(states('rejected')).toBeGreaterThan(0);
    expect(states('rejected')).toBeLessThan(final.length * 0.06);
    expect(states('evaluated')).toBeGreaterThan(final.length * 0.6);
    const ratings = final.flatMap((i) => (i.rating ? [i.rating] : []));
    expect(ratings.filter((r) => r >= 4).length / ratings.length).toBeGreaterThan(0.75);
    expect(actions('whistle')).toBeGreaterThan(0);
    expect(actions('return')).toBeGreaterThan(0);
    // A department asks for more time (申请延期) and the duty officer answers, mostly granting.
    expect(actions('ask-extension')).toBeGreaterThan(0);
    expect(actions('extend')).toBeGreaterThan(0);
    for (const t of timelines) {
      const asked = t.findIndex((e) => e.action === 'ask-extension');
      if (asked < 0) continue;
      expect(t[asked]!.actor.role).toBe('department');
      const answer = t
        .slice(asked + 1)
        .find((e) => e.action === 'extend' || e.action === 'deny-extension');
      expect(answer?.actor).toEqual(SIM_DUTY);
      if (answer?.action === 'extend') expect(answer.detail?.dueAt).toBe(t[asked]!.detail?.dueAt);
    }
    expect(actions('extend')).toBeGreaterThanOrEqual(actions('deny-extension'));
    // 督办 on serious and group-risk cases, 催办 near a deadline.
    expect(actions('supervise')).toBeGreaterThan(0);
    expect(actions('remind')).toBeGreaterThan(0);
    for (const i of final.filter((x) => x.timeline.some((e) => e.action === 'supervise')))
      expect(i.groupRisk || ['high', 'critical'].includes(i.severity)).toBe(true);

    // The incident's grid worker checks it on the spot (核查) before the desk closes it.
    for (const i of final) {
      const t = i.timeline;
      const close = t.findIndex((e) => e.action === 'close');
      if (close < 0) continue;
      const check = t.findIndex((e) => e.action === 'check');
      if (i.gridWorkerId) {
        expect(check, i.id).toBeGreaterThanOrEqual(0);
        expect(check).toBeLessThan(close);
      } else expect(check).toBe(-1);
    }
    // 回访: the grid worker goes round for about half, the desk calls the rest.
    const evaluations = final.flatMap((i) =>
      i.gridWorkerId ? i.timeline.filter((e) => e.action === 'evaluate') : [],
    );
    const onSite = evaluations.filter((e) => e.actor.role === 'grid').length / evaluations.length;
    expect(onSite).toBeGreaterThan(0.35);
    expect(onSite).toBeLessThan(0.65);

    // Every action went through as the simulated duty officer, a simulated department or the
    // incident's own grid worker.
    for (const i of final)
      for (const entry of i.timeline) {
        if (entry.actor.role === 'duty') expect(entry.actor).toEqual(SIM_DUTY);
        else if (entry.actor.role === 'grid')
          expect(entry.actor).toEqual(
            gridWorkerActor(workers.find((w) => w.id === i.gridWorkerId)!),
          );
        else expect(entry.actor.id).toMatch(/^dept:/);
      }
    // About a quarter wait in the queue a good while (for the human desk); the rest go quickly.
    const acceptWait = final
      .filter((i) => i.state !== 'rejected')
      .map((i) => Date.parse(i.timeline[0]!.at) - Date.parse(i.reportedAt));
    const slow = acceptWait.filter((ms) => ms > 5 * 60_000).length / acceptWait.length;
    expect(slow).toBeGreaterThan(0.15);
    expect(slow).toBeLessThan(0.4);
    // Roughly one in ten misses a deadline, on purpose, and is flagged; none go stale.
    const overdue = final.filter((i) => i.wasOverdue).length / final.length;
    expect(overdue).toBeGreaterThan(0.04);
    expect(overdue).toBeLessThan(0.18);
    expect(log).not.toHaveBeenCalled();
    expect(desk.caseCount).toBe(0);
  });

  it('leaves an incident to a person who acted first, without a word in the log', async () => {
    const { workflow, desk, advance, streets, log, clock, directory } = setup(3);
    const taken = workflow.open('dispute', 'medium', streets[0]!);
    const noted = workflow.open('dispute', 'medium', streets[0]!);
    desk.take(taken.id, { category: 'dispute', severity: 'medium', groupRisk: false });
    desk.take(noted.id, { category: 'dispute', severity: 'medium', groupRisk: false });
    const [dept] = directory.choose(seededRandom(1), taken, undefined, false);
    // The human desk accepts and dispatches one before the simulator gets to it...
    await workflow.act(taken.id, { action: 'accept', version: 1 }, HUMAN);
    await workflow.act(taken.id, { action: 'dispatch', version: 2, departmentId: dept! }, HUMAN);
    // ...and only adds a note to the other, which the simulator then carries on with.
    await workflow.act(
      noted.id,
      { action: 'note', version: 1, comment: '已电话联系当事人' },
      HUMAN,
    );
    await advance(clock().getTime() + 3 * 86_400_000, 60_000);
    const mine = workflow.incidents.get(taken.id)!;
    expect(mine.state).toBe('dispatched');
    expect(mine.timeline.every((e) => e.actor.id === HUMAN.id)).toBe(true);
    const theirs = workflow.incidents.get(noted.id)!;
    expect(theirs.timeline.map((e) => e.action).slice(0, 2)).toEqual(['note', 'accept']);
    expect(['closed', 'evaluated']).toContain(theirs.state);
    expect(desk.stats.dropped).toBe(1);
    expect(log).not.toHaveBeenCalled();
  });

  it('logs one line and carries on when the workflow fails for another reason', async () => {
    const { workflow, desk, advance, streets, log, clock } = setup(4);
    const a = workflow.open('citizen-request', 'low', streets[0]!);
    const b = workflow.open('citizen-request', 'low', streets[0]!);
    workflow.incidents.delete(a.id);
    desk.take(a.id, { category: 'citizen-request', severity: 'low', groupRisk: false });
    desk.take(b.id, { category: 'citizen-request', severity: 'low', groupRisk: false });
    await advance(clock().getTime() + 3 * 86_400_000, 60_000);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]![0]).toMatch(/INC-1/);
    expect(['closed', 'evaluated', 'rejected']).toContain(workflow.incidents.get(b.id)!.state);
  });

  it('puts a patrol it sent on the incident once accepted, before the dispatch', async () => {
    const { workflow, desk, advance, streets, log, clock, city } = setup(6, 60);
    const sent = new Map<string, string>();
    for (let i = 0; i < 20; i++) {
      const incident = workflow.open('public-order', 'high', streets[i % streets.length]!);
      const patrolId = city.patrols[i % city.patrols.length]!.id;
      sent.set(incident.id, patrolId);
      desk.take(
        incident.id,
        { category: 'public-order', severity: 'high', groupRisk: false },
        { patrolIds: [patrolId] },
      );
    }
    await advance(clock().getTime() + 30 * 60_000, 1_000);
    for (const [id, patrolId] of sent) {
      const incident = workflow.incidents.get(id)!;
      const actions = incident.timeline.map((e) => e.action);
      const recorded = actions.indexOf('send-patrol');
      expect(recorded, id).toBeGreaterThan(actions.indexOf('accept'));
      expect(recorded).toBeLessThan(actions.findIndex((a) => a === 'dispatch' || a === 'whistle'));
      expect(actions.filter((a) => a === 'send-patrol')).toHaveLength(1);
      expect(incident.patrolIds).toEqual([patrolId]);
    }
    expect(log).not.toHaveBeenCalled();
  });

  it('at a high time scale works an incident through in minutes, not hours', async () => {
    const { workflow, desk, advance, streets, clock } = setup(5, 60);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const incident = workflow.open('public-order', 'medium', streets[i % streets.length]!);
      ids.push(incident.id);
      desk.take(incident.id, { category: 'public-order', severity: 'medium', groupRisk: false });
    }
    await advance(clock().getTime() + 20 * 60_000, 1_000);
    const done = ids.filter((id) =>
      ['closed', 'evaluated'].includes(workflow.incidents.get(id)!.state),
    );
    expect(done.length).toBeGreaterThan(30);
  });
});

describe('planning the next steps', () => {
  const city = demoCity();
  const directory = new DepartmentDirectory(city.departments);
  const worker = city.gridWorkers[0]!;
  const ctx = (seed: number): PlanContext => ({
    rng: seededRandom(seed),
    timeScale: 1,
    now: new Date(START),
    directory,
    gridWorkers: new Map(city.gridWorkers.map((w) => [w.id, w])),
  });
  const caseState = (plan: Partial<CasePlan>, over: Partial<CaseState> = {}): CaseState => ({
    category: 'dispute',
    severity: 'medium',
    groupRisk: false,
    plan: {
      ...drawPlan(seededRandom(1), { category: 'dispute', severity: 'medium', groupRisk: false }),
      ...plan,
    },
    memory: {
      returnedBy: new Set(),
      extended: false,
      reopened: false,
      supervised: false,
      patrolRecorded: false,
    },
    preferred: undefined,
    ...over,
  });
  const mediation = city.departments.find((d) => d.kind === 'mediation')!;
  const handling = testIncident({
    state: 'handling',
    category: 'dispute',
    gridWorkerId: worker.id,
    assignments: [
      { departmentId: mediation.id, respondedAt: new Date(START).toISOString(), reportedAt: null },
    ],
    deadline: {
      step: 'handle',
      dueAt: new Date(START + 6 * 3_600_000).toISOString(),
      extensions: 0,
      flagged: false,
    },
  });
  const order = (steps: { delayMs: number; request: { action: string } }[]) =>
    [...steps].sort((a, b) => a.delayMs - b.delayMs).map((s) => s.request.action);

  it('has a department ask for more time and the duty officer grant it, before the department reports', () => {
    const steps = nextSteps(
      handling,
      caseState({ extend: true, denyExtension: false, supervise: false }),
      ctx(1),
    );
    expect(order(steps)).toEqual(['ask-extension', 'extend', 'report']);
    const ask = steps.find((s) => s.request.action === 'ask-extension')!;
    const grant = steps.find((s) => s.request.action === 'extend')!;
    expect(ask.actor).toMatchObject({ role: 'department', departmentId: mediation.id });
    expect(ask.request).toMatchObject({ departmentId: mediation.id, comment: expect.any(String) });
    expect(grant.actor).toEqual(SIM_DUTY);
    // Granted as asked: the date the department gave, later than the running deadline.
    const dueAt = (ask.request as { dueAt: string }).dueAt;
    expect(grant.request).toMatchObject({ dueAt, comment: expect.any(String) });
    expect(Date.parse(dueAt)).toBeGreaterThan(Date.parse(handling.deadline!.dueAt));
    // The requests pass the workflow's own rules, one after the other: the request is on the
    // incident until the grant moves its deadline, and the report comes within the new one.
    let incident = handling;
    for (const step of [...steps].sort((a, b) => a.delayMs - b.delayMs)) {
      const result = applyAction(
        incident,
        { ...step.request, version: incident.version } as ActionRequest,
        step.actor,
        new Date(START + step.delayMs),
      );
      expect(result.ok, step.request.action).toBe(true);
      if (!result.ok) return;
      incident = result.incident;
      if (step.request.action === 'ask-extension')
        expect(incident.extensionRequest).toMatchObject({ departmentId: mediation.id, dueAt });
      if (step.request.action === 'extend') {
        expect(incident.extensionRequest).toBeUndefined();
        expect(incident.deadline).toMatchObject({ dueAt, extensions: 1 });
      }
      if (step.request.action === 'report')
        expect(START + step.delayMs).toBeLessThan(Date.parse(dueAt));
    }
    expect(incident.state).toBe('verifying');
  });

  it('now and then has the duty officer refuse the extension instead', () => {
    const steps = nextSteps(
      handling,
      caseState({ extend: true, denyExtension: true, supervise: false }),
      ctx(2),
    );
    expect(order(steps)).toEqual(['ask-extension', 'deny-extension', 'report']);
    expect(steps.find((s) => s.request.action === 'deny-extension')!.actor).toEqual(SIM_DUTY);
    // Refused, the department reports within the deadline it had.
    const report = steps.find((s) => s.request.action === 'report')!;
    expect(START + report.delayMs).toBeLessThan(Date.parse(handling.deadline!.dueAt));
  });

  it('supervises a serious case while it is handled, before the report', () => {
    const steps = nextSteps(
      handling,
      caseState({ extend: false, supervise: true }, { severity: 'high' }),
      ctx(3),
    );
    expect(order(steps)[0]).toBe('supervise');
    expect(steps.find((s) => s.request.action === 'supervise')!.request.comment).toBeTruthy();
  });

  it('has the grid worker check on the spot before the duty officer closes or reopens', () => {
    const verifying = { ...handling, state: 'verifying' as const };
    const pass = nextSteps(verifying, caseState({ reopen: false }), ctx(4));
    expect(order(pass)).toEqual(['check', 'close']);
    const check = pass.find((s) => s.request.action === 'check')!;
    expect(check.actor).toEqual(gridWorkerActor(worker));
    expect(check.request).toMatchObject({ passed: true, comment: expect.any(String) });

    const fail = nextSteps(verifying, caseState({ reopen: true }), ctx(5));
    expect(order(fail)).toEqual(['check', 'reopen']);
    expect(fail[0]!.request).toMatchObject({ action: 'check', passed: false });

    // Without a grid worker the desk decides alone.
    expect(order(nextSteps({ ...verifying, gridWorkerId: null }, caseState({}), ctx(6)))).toEqual([
      expect.stringMatching(/^(close|reopen)$/),
    ]);
  });

  it('has the grid worker or the desk call back (回访)', () => {
    const closed = { ...handling, state: 'closed' as const };
    const [onSite] = nextSteps(
      closed,
      caseState({ evaluate: true, evaluateOnSite: true, rating: 5 }),
      ctx(7),
    );
    expect(onSite!.actor).toEqual(gridWorkerActor(worker));
    expect(onSite!.request).toMatchObject({ action: 'evaluate', rating: 5 });
    const [called] = nextSteps(
      closed,
      caseState({ evaluate: true, evaluateOnSite: false }),
      ctx(8),
    );
    expect(called!.actor).toEqual(SIM_DUTY);
  });

  it('records a patrol sent on arrival once accepted, before the dispatch', () => {
    const accepted = testIncident({ state: 'accepted', streetId: mediation.streetId ?? 's' });
    const patrolId = city.patrols[0]!.id;
    const steps = nextSteps(
      accepted,
      caseState({ whistle: false }, { patrolIds: [patrolId] }),
      ctx(9),
    );
    expect(order(steps)).toEqual(['send-patrol', 'dispatch']);
    expect(steps[0]).toMatchObject({ actor: SIM_DUTY, request: { patrolIds: [patrolId] } });
  });
});
