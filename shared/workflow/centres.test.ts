import { describe, expect, it } from 'vitest';
import type { IncidentSummary } from '../domain/incidents.js';
import { assignDownTargets, escalateTargets, handoverTime, levelAllows } from './centres.js';

type Held = Pick<IncidentSummary, 'centreLevel' | 'handover'>;
const atCommunity: Held = { centreLevel: 'community' };
const handedToStreet: Held = {
  centreLevel: 'street',
  handover: {
    kind: 'escalate',
    from: 'community',
    to: 'street',
    at: '2026-11-22T08:00:00.000Z',
    dueAt: '2026-11-22T08:30:00.000Z',
    flagged: false,
  },
};

describe('what the level rules leave to a desk', () => {
  it('escalates from the community to the street next, or straight to the city', () => {
    expect(escalateTargets('community')).toEqual(['street', 'city']);
    expect(escalateTargets('city')).toEqual([]);
    expect(levelAllows('escalate', atCommunity, 'community')).toBe(true);
    expect(levelAllows('escalate', {}, 'city')).toBe(false);
    // The street did not get it handed: it may take it up, not escalate it.
    expect(levelAllows('escalate', atCommunity, 'street')).toBe(false);
    expect(levelAllows('take', atCommunity, 'street')).toBe(true);
  });

  it('leaves only notes to a community whose matter the street holds', () => {
    for (const a of ['dispatch', 'escalate', 'take', 'close'] as const)
      expect(levelAllows(a, handedToStreet, 'community')).toBe(false);
    expect(levelAllows('note', handedToStreet, 'community')).toBe(true);
    expect(levelAllows('take', handedToStreet, 'street')).toBe(true);
  });

  it('assigns down only to levels with centres below the desk', () => {
    expect(assignDownTargets('city', 'city')).toEqual(['street', 'community']);
    expect(assignDownTargets('street', 'street')).toEqual(['community']);
    expect(levelAllows('assign-down', atCommunity, 'community')).toBe(false);
  });

  it('counts the minutes left to take a handover, and past it', () => {
    const at = (iso: string) => Date.parse(iso);
    expect(handoverTime(handedToStreet.handover!, at('2026-11-22T08:10:30.000Z'))).toEqual({
      minutes: 20,
      late: false,
    });
    expect(handoverTime(handedToStreet.handover!, at('2026-11-22T08:35:00.000Z'))).toEqual({
      minutes: 5,
      late: true,
    });
  });
});
