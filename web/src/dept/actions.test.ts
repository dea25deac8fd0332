import { describe, expect, it } from 'vitest';
import type {
  Assignment,
  IncidentSummary,
  TimelineEntry,
} from '../../../shared/domain/incidents.js';
import { incident, T0 } from '../testing/incident.js';
import { deptActions, extensionStatus } from './actions.js';

const ME = 'dept-city-management';
const OTHER = 'dept-public-security';
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const part = (departmentId: string, responded = false, reported = false): Assignment => ({
  departmentId,
  respondedAt: responded ? iso(1) : null,
  reportedAt: reported ? iso(2) : null,
});
const at = (
  state: IncidentSummary['state'],
  assignments: Assignment[],
  over: Partial<IncidentSummary> = {},
) =>
  incident('i', {
    state,
    assignments,
    deadline: {
      step: state === 'dispatched' ? 'respond' : state === 'handling' ? 'handle' : 'verify',
      dueAt: iso(60),
      extensions: 0,
      flagged: false,
    },
    ...over,
  });

describe("a department's actions", () => {
  it('answers, then reports back, on its own part only', () => {
    expect(deptActions(at('dispatched', [part(ME)]), ME)).toEqual([
      'respond',
      'ask-extension',
      'return',
      'note',
    ]);
    expect(deptActions(at('handling', [part(ME, true)]), ME)).toEqual([
      'report',
      'ask-extension',
      'return',
      'note',
    ]);
    // Answered a whistle the others have not: nothing to report yet, no deadline of its own.
    expect(deptActions(at('dispatched', [part(ME, true), part(OTHER)]), ME)).toEqual([
      'return',
      'note',
    ]);
    // Reported, waiting for the centre: only a note.
    expect(deptActions(at('verifying', [part(ME, true, true)]), ME)).toEqual(['note']);
    expect(deptActions(at('dispatched', [part(OTHER)]), ME)).toEqual([]);
  });

  it('asks for more time once, until the duty officer answers', () => {
    const waiting = at('handling', [part(ME, true)], {
      extensionRequest: { departmentId: ME, dueAt: iso(200), at: iso(30) },
    });
    expect(deptActions(waiting, ME)).not.toContain('ask-extension');
  });
});

describe('the answer to a request for more time', () => {
  const entry = (action: TimelineEntry['action'], detail: Record<string, unknown>, m: number) =>
    ({
      at: iso(m),
      action,
      actor: { id: 'u', name: 'u', role: 'duty' },
      from: 'handling',
      to: 'handling',
      comment: `${action}-comment`,
      detail,
    }) as TimelineEntry;

  it('is pending while the incident carries the request', () => {
    expect(
      extensionStatus(
        { extensionRequest: { departmentId: ME, dueAt: iso(200), at: iso(30) }, timeline: [] },
        ME,
      ),
    ).toEqual({ kind: 'pending', dueAt: iso(200), at: iso(30) });
  });

  it('reads granted or refused from the timeline, for its own latest request only', () => {
    const ask = entry('ask-extension', { departmentId: ME, dueAt: iso(200) }, 30);
    const granted = entry('extend', { dueAt: iso(180), granted: ME }, 40);
    const denied = entry('deny-extension', { departmentId: ME, dueAt: iso(200) }, 40);
    expect(extensionStatus({ timeline: [ask, granted] }, ME)).toMatchObject({
      kind: 'granted',
      dueAt: iso(180),
    });
    expect(extensionStatus({ timeline: [ask, denied] }, ME)).toMatchObject({
      kind: 'denied',
      comment: 'deny-extension-comment',
    });
    expect(extensionStatus({ timeline: [ask, denied] }, OTHER)).toBeUndefined();
    expect(extensionStatus({ timeline: [denied, ask] }, ME)).toBeUndefined();
  });
});
