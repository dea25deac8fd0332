import { describe, expect, it } from 'vitest';
import type { Actor, Incident } from '../domain/incidents.js';
import { DEFAULT_LEVEL_RULES, type LevelRules } from '../domain/levels.js';
import { testIncident } from '../testing/incident.js';
import type { ActionRequest } from './actions.js';
import { applyAction } from './apply.js';

const NOW = new Date('2026-11-22T08:00:00.000Z');
const MIN = 60_000;
/** Written out here, not read from the defaults: the test says what the rules must be. */
const RULES: LevelRules = {
  centres: ['city', 'street', 'community'],
  start: { low: 'community', medium: 'street', high: 'city', critical: 'city' },
  takeWithin: { city: 15 * MIN, district: 20 * MIN, street: 30 * MIN, community: 60 * MIN },
};

const community: Actor = {
  id: 'c',
  name: '凤凰社区',
  role: 'duty',
  regionId: 'c1',
  regionLevel: 'community',
};
const otherCommunity: Actor = { ...community, id: 'c2', regionId: 'c2' };
const street: Actor = {
  id: 's',
  name: '滨江街道',
  role: 'duty',
  regionId: 's1',
  regionLevel: 'street',
};
const city: Actor = { id: 'x', name: '市中心', role: 'duty' };

function held(over: Partial<Incident> = {}): Incident {
  return testIncident({
    id: 'inc-1',
    version: 1,
    state: 'accepted',
    gridId: 'g1',
    communityId: 'c1',
    streetId: 's1',
    districtId: 'd1',
    centreLevel: 'community',
    ...over,
  });
}

/** A request without its version (each shape of the union on its own). */
type Unversioned = ActionRequest extends infer R
  ? R extends unknown
    ? Omit<R, 'version'>
    : never
  : never;

function act(incident: Incident, request: Unversioned, actor: Actor) {
  return applyAction(
    incident,
    { ...request, version: incident.version } as ActionRequest,
    actor,
    NOW,
    undefined,
    RULES,
  );
}

function ok(result: ReturnType<typeof act>): Incident {
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result.incident;
}

describe('centres at every level', () => {
  it('keeps the documented defaults: small matters at the community, grave ones at the city', () => {
    expect(DEFAULT_LEVEL_RULES).toEqual(RULES);
  });

  it('escalates from the community to its street, with the reason and a deadline to take it', () => {
    const result = act(held(), { action: 'escalate', comment: '社区调解未果' }, community);
    const up = ok(result);
    expect(up.centreLevel).toBe('street');
    expect(up.state).toBe('accepted');
    expect(up.handover).toEqual({
      kind: 'escalate',
      from: 'community',
      to: 'street',
      at: NOW.toISOString(),
      dueAt: '2026-11-22T08:30:00.000Z',
      flagged: false,
    });
    expect(up.timeline.at(-1)).toMatchObject({
      action: 'escalate',
      comment: '社区调解未果',
      detail: { from: 'community', to: 'street' },
      actor: { regionId: 'c1' },
    });
  });

  it('needs a reason to escalate', () => {
    expect(act(held(), { action: 'escalate' }, community)).toMatchObject({
      ok: false,
      code: 'comment_required',
    });
  });

  it('leaves the community only notes once the street holds it, and the street takes it', () => {
    const up = ok(act(held(), { action: 'escalate', comment: '上报' }, community));
    expect(act(up, { action: 'dispatch', departmentId: 'dept' } as never, community)).toMatchObject(
      {
        ok: false,
        kind: 'forbidden',
        code: 'held_by_higher_centre',
      },
    );
    expect(ok(act(up, { action: 'note', comment: '当事人已到街道' }, community)).version).toBe(3);
    const taken = ok(act(up, { action: 'take' }, street));
    expect(taken.handover).toBeUndefined();
    expect(taken.centreLevel).toBe('street');
    expect(taken.timeline.at(-1)).toMatchObject({ action: 'take', detail: { kind: 'escalate' } });
  });

  it('goes from the street to the city next, and the city holds it without a level above', () => {
    const atStreet = held({ centreLevel: 'street' });
    const atCity = ok(act(atStreet, { action: 'escalate', comment: '提请市级统筹' }, street));
    expect(atCity.centreLevel).toBeUndefined();
    expect(atCity.handover).toMatchObject({
      from: 'street',
      to: 'city',
      dueAt: '2026-11-22T08:15:00.000Z',
    });
    const taken = ok(act(atCity, { action: 'take' }, city));
    expect(act(taken, { action: 'escalate', comment: '再上报' }, city)).toMatchObject({
      ok: false,
      code: 'no_level_above',
    });
  });

  it('lets a grave matter skip a level, but not to a level without a centre', () => {
    expect(
      ok(act(held(), { action: 'escalate', comment: '重大', to: 'city' } as never, community))
        .centreLevel,
    ).toBeUndefined();
    expect(
      act(held(), { action: 'escalate', comment: '区级', to: 'district' } as never, community),
    ).toMatchObject({ ok: false, code: 'level_has_no_centre' });
  });

  it('assigns down from the city to the community, which takes it by acting on it', () => {
    const down = ok(
      act(held({ centreLevel: undefined }), { action: 'assign-down', to: 'community' }, city),
    );
    expect(down.centreLevel).toBe('community');
    expect(down.handover).toMatchObject({
      kind: 'assign-down',
      from: 'city',
      to: 'community',
      dueAt: '2026-11-22T09:00:00.000Z',
    });
    const working = ok(act(down, { action: 'supervise', comment: '请尽快' }, community));
    expect(working.handover).toBeUndefined();
  });

  it('refuses another community, and an escalation by a centre that does not hold it', () => {
    expect(act(held(), { action: 'note', comment: '看看' }, otherCommunity)).toMatchObject({
      ok: false,
      kind: 'forbidden',
      code: 'outside_your_area',
    });
    expect(act(held(), { action: 'escalate', comment: '上报' }, street)).toMatchObject({
      ok: false,
      code: 'not_held_here',
    });
  });

  it('lets a centre above take a matter up (上收)', () => {
    const up = ok(act(held(), { action: 'take' }, street));
    expect(up.centreLevel).toBe('street');
    expect(up.timeline.at(-1)).toMatchObject({ detail: { from: 'community', to: 'street' } });
    expect(act(held(), { action: 'take' }, community)).toMatchObject({
      ok: false,
      code: 'nothing_to_take',
    });
  });
});
