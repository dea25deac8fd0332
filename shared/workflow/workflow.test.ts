import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  INCIDENT_STATES,
  type ActionName,
  type Actor,
  type Incident,
  type IncidentState,
} from '../domain/incidents.js';
import { ROLES, type Role } from '../domain/common.js';
import type { ActionRequest } from './actions.js';
import { applyAction, isOverdue } from './apply.js';
import { availableActions } from './rules.js';
import { defaultLimits } from './deadlines.js';
import { testIncident } from '../testing/incident.js';

/**
 * The loop as DOMAIN.md describes it, written out independently of the rules table:
 * action -> [states it applies to, state it leads to ('same' = unchanged), roles allowed].
 */
const SPEC: Record<ActionName, [IncidentState[], IncidentState | 'same', Role[]]> = {
  accept: [['reported'], 'accepted', ['duty']],
  reject: [['reported'], 'rejected', ['duty']],
  dispatch: [['accepted'], 'dispatched', ['duty']],
  whistle: [['accepted'], 'dispatched', ['duty']],
  respond: [['dispatched'], 'handling', ['duty', 'department']],
  report: [['handling'], 'verifying', ['duty', 'department']],
  return: [['dispatched', 'handling'], 'accepted', ['duty', 'department']],
  extend: [['dispatched', 'handling', 'verifying'], 'same', ['duty']],
  close: [['verifying'], 'closed', ['duty']],
  reopen: [['verifying', 'closed', 'evaluated'], 'handling', ['duty']],
  evaluate: [['closed'], 'evaluated', ['duty', 'grid']],
  note: [[...INCIDENT_STATES], 'same', ['duty', 'department', 'grid', 'patrol']],
  assign: [['reported', 'accepted', 'dispatched', 'handling', 'verifying'], 'same', ['duty']],
  check: [['verifying'], 'same', ['grid']],
  'ask-extension': [['dispatched', 'handling'], 'same', ['department']],
  'deny-extension': [['dispatched', 'handling'], 'same', ['duty']],
  supervise: [['accepted', 'dispatched', 'handling', 'verifying'], 'same', ['duty']],
  remind: [['dispatched', 'handling'], 'same', ['duty']],
  'send-patrol': [
    ['reported', 'accepted', 'dispatched', 'handling', 'verifying'],
    'same',
    ['duty'],
  ],
  escalate: [['reported', 'accepted', 'dispatched', 'handling', 'verifying'], 'same', ['duty']],
  'assign-down': [
    ['reported', 'accepted', 'dispatched', 'handling', 'verifying'],
    'same',
    ['duty'],
  ],
  take: [['reported', 'accepted', 'dispatched', 'handling', 'verifying'], 'same', ['duty']],
};

const NOW = new Date('2026-11-22T08:00:00.000Z');
const LATER = '2026-11-30T08:00:00.000Z';

function incidentIn(state: IncidentState, over: Partial<Incident> = {}): Incident {
  return testIncident({
    id: 'inc-1',
    version: 3,
    title: '邻里噪音纠纷',
    severity: 'medium',
    source: 'grid-worker',
    gridId: 'g1',
    communityId: 'c1',
    streetId: 's1',
    districtId: 'd1',
    state,
    assignments: ['dispatched', 'handling', 'verifying', 'closed', 'evaluated'].includes(state)
      ? [
          {
            departmentId: 'mediation',
            respondedAt: state === 'dispatched' ? null : NOW.toISOString(),
            reportedAt: null,
          },
        ]
      : [],
    deadline:
      state === 'evaluated' || state === 'rejected'
        ? null
        : { step: 'handle', dueAt: '2026-11-23T08:00:00.000Z', extensions: 0, flagged: false },
    reportedAt: '2026-11-22T07:00:00.000Z',
    updatedAt: '2026-11-22T07:30:00.000Z',
    // Its grid worker and a patrol sent to it, for the phones' own-incident rule.
    gridWorkerId: 'w1',
    patrolIds: ['p1'],
    // The department asked for more time wherever it works, so refusing it is possible.
    ...(state === 'dispatched' || state === 'handling'
      ? {
          extensionRequest: {
            departmentId: 'mediation',
            dueAt: LATER,
            at: '2026-11-22T07:40:00.000Z',
          },
        }
      : {}),
    ...over,
  });
}

/** A well-formed request for each action, so only role and state decide. */
function requestFor(action: ActionName, version = 3): ActionRequest {
  const comment = '现场核实';
  switch (action) {
    case 'dispatch':
      return { action, version, departmentId: 'mediation' };
    case 'whistle':
      return { action, version, departmentIds: ['mediation', 'police'] };
    case 'respond':
    case 'report':
      return { action, version, departmentId: 'mediation', comment };
    case 'extend':
      return { action, version, dueAt: LATER, comment };
    case 'evaluate':
      return { action, version, rating: 5 };
    case 'assign':
      return { action, version, gridWorkerId: 'w1' };
    case 'check':
      return { action, version, passed: true };
    case 'ask-extension':
      return { action, version, departmentId: 'mediation', dueAt: LATER, comment };
    case 'send-patrol':
      return { action, version, patrolIds: ['p2'] };
    case 'assign-down':
      return { action, version, to: 'community' };
    default:
      return { action, version, comment };
  }
}

const duty = { id: 'u1', name: '值班员', role: 'duty' } as const;

describe('incident state machine: every action x state x role', () => {
  for (const action of ACTIONS) {
    const [from, to, roles] = SPEC[action];
    for (const state of INCIDENT_STATES) {
      for (const role of ROLES) {
        // A department acts only on the cases it is assigned to (mediation, from dispatch on).
        const foreign = role === 'department' && incidentIn(state).assignments.length === 0;
        const legal = from.includes(state) && roles.includes(role) && !foreign;
        it(`${role} ${legal ? 'may' : 'may not'} ${action} when ${state}`, () => {
          const request = requestFor(action);
          // Between levels: a community's centre escalates what it holds; the city takes up
          // (上收) what a community holds.
          const held = action === 'escalate' || action === 'take';
          const result = applyAction(
            incidentIn(state, held ? { centreLevel: 'community' } : {}),
            role === 'department' && action === 'return'
              ? { ...request, action: 'return', departmentId: 'mediation' }
              : request,
            {
              id: 'a',
              name: 'a',
              role,
              ...(role === 'department' ? { departmentId: 'mediation' } : {}),
              ...(role === 'grid' ? { gridWorkerId: 'w1' } : {}),
              ...(role === 'patrol' ? { patrolId: 'p1' } : {}),
              ...(action === 'escalate' ? { regionId: 'c1', regionLevel: 'community' } : {}),
            },
            NOW,
          );
          expect(result.ok).toBe(legal);
          if (result.ok) {
            expect(result.incident.state).toBe(to === 'same' ? state : to);
            expect(result.incident.version).toBe(4);
            expect(result.entry).toMatchObject({ action, from: state, actor: { role } });
            expect(result.incident.timeline.at(-1)).toEqual(result.entry);
          } else {
            // A role that may never take the action is told so before its state is looked at.
            expect(result).toMatchObject(
              !roles.includes(role)
                ? { kind: 'forbidden', code: 'role_may_not_act' }
                : foreign
                  ? { kind: 'forbidden', code: 'department_mismatch' }
                  : { kind: 'illegal', code: 'action_not_allowed_in_state' },
            );
          }
        });
      }
    }
  }

  it('offers each role exactly the legal actions for a state', () => {
    for (const state of INCIDENT_STATES) {
      for (const role of ROLES) {
        const expected = ACTIONS.filter(
          (a) => SPEC[a][0].includes(state) && SPEC[a][2].includes(role),
        );
        expect(availableActions(state, role).sort()).toEqual([...expected].sort());
      }
    }
  });

  it('gives the leader and the operator no incident action at all', () => {
    for (const state of INCIDENT_STATES) {
      expect(availableActions(state, 'leader')).toEqual([]);
      expect(availableActions(state, 'operator')).toEqual([]);
    }
  });
});

describe('incident workflow rules', () => {
  it('refuses an action against a stale version', () => {
    const result = applyAction(incidentIn('reported'), requestFor('accept', 2), duty, NOW);
    expect(result).toMatchObject({ ok: false, kind: 'stale', code: 'stale_version' });
  });

  it('starts the deadline each transition declares, from the category limits', () => {
    const accepted = applyAction(incidentIn('reported'), requestFor('accept'), duty, NOW);
    expect(accepted.ok && accepted.incident.deadline).toEqual({
      step: 'dispatch',
      dueAt: new Date(NOW.getTime() + defaultLimits('dispute', 'dispatch')).toISOString(),
      extensions: 0,
      flagged: false,
    });
    const closed = applyAction(incidentIn('verifying'), requestFor('close'), duty, NOW);
    expect(closed.ok && closed.incident.deadline?.step).toBe('evaluate');
    expect(closed.ok && closed.incident.closedAt).toBe(NOW.toISOString());
    const evaluated = applyAction(incidentIn('closed'), requestFor('evaluate'), duty, NOW);
    expect(evaluated.ok && evaluated.incident.deadline).toBeNull();
  });

  it('uses a tighter clock for emergencies than for disputes', () => {
    expect(defaultLimits('emergency', 'accept')).toBeLessThan(defaultLimits('dispute', 'accept'));
    expect(defaultLimits('dispute', 'handle')).toBeGreaterThan(
      defaultLimits('safety-hazard', 'handle'),
    );
  });

  it('moves a whistle on only when every summoned department has responded and reported', () => {
    let incident = incidentIn('accepted');
    const step = (request: ActionRequest, role: 'duty' | 'department' = 'department') => {
      const r = applyAction(
        incident,
        { ...request, version: incident.version },
        // Each department's own user answers for it.
        role === 'department' && 'departmentId' in request
          ? { id: 'x', name: 'x', role, departmentId: request.departmentId }
          : { id: 'x', name: 'x', role },
        NOW,
      );
      if (!r.ok) throw new Error(r.message);
      incident = r.incident;
    };
    step(
      { action: 'whistle', version: 0, departmentIds: ['police', 'housing', 'mediation'] },
      'duty',
    );
    expect(incident.state).toBe('dispatched');
    expect(incident.deadline?.step).toBe('respond');
    step({ action: 'respond', version: 0, departmentId: 'police' });
    step({ action: 'respond', version: 0, departmentId: 'housing' });
    expect(incident.state).toBe('dispatched');
    step({ action: 'respond', version: 0, departmentId: 'mediation' });
    expect(incident.state).toBe('handling');
    expect(incident.deadline?.step).toBe('handle');
    step({ action: 'report', version: 0, departmentId: 'police', comment: '已到场' });
    expect(incident.state).toBe('handling');
    step({ action: 'report', version: 0, departmentId: 'housing', comment: '已整改' });
    step({ action: 'report', version: 0, departmentId: 'mediation', comment: '已调解' });
    expect(incident.state).toBe('verifying');
    expect(incident.timeline.map((e) => e.action)).toEqual([
      'whistle',
      'respond',
      'respond',
      'respond',
      'report',
      'report',
      'report',
    ]);
  });

  it('refuses a department that is not assigned or that responds twice', () => {
    const dispatched = incidentIn('dispatched');
    const stranger = applyAction(
      dispatched,
      { action: 'respond', version: 3, departmentId: 'housing' },
      duty,
      NOW,
    );
    expect(stranger).toMatchObject({ ok: false, kind: 'invalid', code: 'department_not_assigned' });
    const once = applyAction(
      dispatched,
      { action: 'respond', version: 3, departmentId: 'mediation' },
      duty,
      NOW,
    );
    if (!once.ok) throw new Error(once.message);
    const twice = applyAction(
      { ...once.incident, state: 'dispatched' },
      { action: 'respond', version: 4, departmentId: 'mediation' },
      duty,
      NOW,
    );
    expect(twice).toMatchObject({ ok: false, kind: 'illegal', code: 'step_already_done' });
  });

  it('requires a reason to reject, return, extend, reopen or note', () => {
    for (const [action, state] of [
      ['reject', 'reported'],
      ['return', 'handling'],
      ['extend', 'handling'],
      ['reopen', 'closed'],
      ['note', 'accepted'],
    ] as const) {
      const request = { ...requestFor(action), comment: '  ' } as ActionRequest;
      expect(applyAction(incidentIn(state), request, duty, NOW)).toMatchObject({
        ok: false,
        kind: 'invalid',
        code: 'comment_required',
      });
    }
  });

  it('extends only to a later deadline and counts extensions', () => {
    const earlier = applyAction(
      incidentIn('handling'),
      { action: 'extend', version: 3, dueAt: '2026-11-22T09:00:00.000Z', comment: '需协调' },
      duty,
      NOW,
    );
    expect(earlier).toMatchObject({ ok: false, kind: 'invalid', code: 'extension_not_later' });
    const later = applyAction(incidentIn('handling'), requestFor('extend'), duty, NOW);
    expect(later.ok && later.incident.deadline).toEqual({
      step: 'handle',
      dueAt: LATER,
      extensions: 1,
      flagged: false,
    });
  });

  it('sends a returned incident back for dispatch with no department on it', () => {
    const r = applyAction(
      incidentIn('handling'),
      { ...requestFor('return'), action: 'return', departmentId: 'mediation' },
      { id: 'd', name: 'd', role: 'department', departmentId: 'mediation' },
      NOW,
    );
    expect(r.ok && r.incident).toMatchObject({
      state: 'accepted',
      assignments: [],
      deadline: { step: 'dispatch' },
    });
  });

  it('takes only its own part off a joint case when a department returns it', () => {
    let incident = incidentIn('accepted');
    const step = (request: ActionRequest, actor: Actor) => {
      const r = applyAction(incident, { ...request, version: incident.version }, actor, NOW);
      if (!r.ok) throw new Error(r.message);
      incident = r.incident;
    };
    const dept = (departmentId: string): Actor => ({
      id: departmentId,
      name: departmentId,
      role: 'department',
      departmentId,
    });
    step(
      { action: 'whistle', version: 0, departmentIds: ['police', 'housing', 'mediation'] },
      duty,
    );
    step({ action: 'respond', version: 0, departmentId: 'police' }, dept('police'));
    step(
      { action: 'return', version: 0, departmentId: 'housing', comment: '不属本部门职责' },
      dept('housing'),
    );
    // The police's answer stands; the case waits on mediation alone.
    expect(incident.state).toBe('dispatched');
    expect(incident.assignments.map((a) => [a.departmentId, a.respondedAt !== null])).toEqual([
      ['police', true],
      ['mediation', false],
    ]);
    step({ action: 'respond', version: 0, departmentId: 'mediation' }, dept('mediation'));
    expect(incident.state).toBe('handling');
    // The last department returning sends the case back for dispatch.
    step(
      { action: 'return', version: 0, departmentId: 'police', comment: '需重新派遣' },
      dept('police'),
    );
    step(
      { action: 'return', version: 0, departmentId: 'mediation', comment: '需重新派遣' },
      dept('mediation'),
    );
    expect(incident).toMatchObject({ state: 'accepted', assignments: [] });
  });

  it('lets a department user act only for its own department, on its own cases', () => {
    const police = { id: 'p', name: '派出所', role: 'department', departmentId: 'police' } as const;
    const mediation = { ...police, departmentId: 'mediation' } as const;
    const unbound = { id: 'x', name: 'x', role: 'department' } as const;
    const respond = { action: 'respond', version: 3, departmentId: 'mediation' } as const;
    // Mediation is assigned: its own user may answer for it...
    expect(applyAction(incidentIn('dispatched'), respond, mediation, NOW).ok).toBe(true);
    // ...the police's user may not answer for mediation, nor note on a case not theirs...
    for (const request of [respond, requestFor('note')])
      expect(applyAction(incidentIn('dispatched'), request, police, NOW)).toMatchObject({
        ok: false,
        kind: 'forbidden',
        code: 'department_mismatch',
      });
    expect(
      applyAction(incidentIn('dispatched'), { ...respond, departmentId: 'police' }, police, NOW),
    ).toMatchObject({ ok: false, code: 'department_mismatch' });
    // ...and an account bound to no department acts for none.
    expect(applyAction(incidentIn('dispatched'), respond, unbound, NOW)).toMatchObject({
      ok: false,
      code: 'department_mismatch',
    });
    // A return names the department returning it.
    expect(applyAction(incidentIn('handling'), requestFor('return'), mediation, NOW)).toMatchObject(
      { ok: false, code: 'department_mismatch' },
    );
  });

  it('clears the close and the rating when an evaluated incident is reopened', () => {
    const r = applyAction(
      incidentIn('evaluated', { rating: 2, closedAt: NOW.toISOString() }),
      requestFor('reopen'),
      duty,
      NOW,
    );
    expect(r.ok && r.incident).toMatchObject({ state: 'handling', rating: null, closedAt: null });
  });

  it('flags an incident overdue once its deadline passes, never a finished one', () => {
    const handling = incidentIn('handling');
    expect(isOverdue(handling, new Date('2026-11-23T07:59:59Z'))).toBe(false);
    expect(isOverdue(handling, new Date('2026-11-23T08:00:00Z'))).toBe(true);
    expect(isOverdue(incidentIn('evaluated'), new Date('2030-01-01T00:00:00Z'))).toBe(false);
  });
});
