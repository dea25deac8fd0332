import type { ActionName, DeadlineStep, IncidentState } from '../domain/incidents.js';
import type { Role } from '../domain/common.js';

/**
 * One row of the incident state machine: which states an action applies to, where it leads,
 * who may take it and which deadline it starts.
 */
export interface TransitionRule {
  readonly action: ActionName;
  readonly from: readonly IncidentState[];
  /** 'same' keeps the state (notes, extensions); 'staged' moves only once every department has acted. */
  readonly to: IncidentState | 'same';
  readonly roles: readonly Role[];
  /** The deadline the transition starts; null clears it; 'keep' leaves the running one. */
  readonly starts: DeadlineStep | null | 'keep';
  /** A comment is required because the next person needs the reason. */
  readonly needsComment: boolean;
}

const OPEN_STATES = ['reported', 'accepted', 'dispatched', 'handling', 'verifying'] as const;
/** Where departments are at work: what the centre can press on or give more time to. */
const AT_DEPARTMENTS = ['dispatched', 'handling'] as const;

export const TRANSITIONS: Readonly<Record<ActionName, TransitionRule>> = {
  accept: rule('accept', ['reported'], 'accepted', ['duty'], 'dispatch'),
  reject: rule('reject', ['reported'], 'rejected', ['duty'], null, true),
  dispatch: rule('dispatch', ['accepted'], 'dispatched', ['duty'], 'respond'),
  whistle: rule('whistle', ['accepted'], 'dispatched', ['duty'], 'respond'),
  // Moves to handling once every assigned department has responded (报到).
  respond: rule('respond', ['dispatched'], 'handling', ['department', 'duty'], 'handle'),
  // Moves to verifying once every assigned department has reported its result.
  report: rule('report', ['handling'], 'verifying', ['department', 'duty'], 'verify', true),
  return: rule(
    'return',
    ['dispatched', 'handling'],
    'accepted',
    ['department', 'duty'],
    'dispatch',
    true,
  ),
  extend: rule('extend', ['dispatched', 'handling', 'verifying'], 'same', ['duty'], 'keep', true),
  close: rule('close', ['verifying'], 'closed', ['duty'], 'evaluate'),
  reopen: rule(
    'reopen',
    ['verifying', 'closed', 'evaluated'],
    'handling',
    ['duty'],
    'handle',
    true,
  ),
  // 回访: the desk calls back, or the incident's grid worker goes back and asks.
  evaluate: rule('evaluate', ['closed'], 'evaluated', ['duty', 'grid'], null),
  note: rule(
    'note',
    [...OPEN_STATES, 'closed', 'evaluated', 'rejected'],
    'same',
    ['duty', 'department', 'grid', 'patrol'],
    'keep',
    true,
  ),
  assign: rule('assign', OPEN_STATES, 'same', ['duty'], 'keep'),
  // 核查 on the spot: recorded for the desk, which then closes or reopens.
  check: rule('check', ['verifying'], 'same', ['grid'], 'keep'),
  'ask-extension': rule('ask-extension', AT_DEPARTMENTS, 'same', ['department'], 'keep', true),
  'deny-extension': rule('deny-extension', AT_DEPARTMENTS, 'same', ['duty'], 'keep', true),
  supervise: rule(
    'supervise',
    ['accepted', ...AT_DEPARTMENTS, 'verifying'],
    'same',
    ['duty'],
    'keep',
    true,
  ),
  remind: rule('remind', AT_DEPARTMENTS, 'same', ['duty'], 'keep'),
  'send-patrol': rule('send-patrol', OPEN_STATES, 'same', ['duty'], 'keep'),
  // Between levels (五级联动): the step's own deadline keeps running; the handover has its own.
  escalate: rule('escalate', OPEN_STATES, 'same', ['duty'], 'keep', true),
  'assign-down': rule('assign-down', OPEN_STATES, 'same', ['duty'], 'keep'),
  take: rule('take', OPEN_STATES, 'same', ['duty'], 'keep'),
};

/** States from which no deadline runs and nothing is waiting on the centre. */
export const FINISHED_STATES: readonly IncidentState[] = ['closed', 'evaluated', 'rejected'];

export function isOpenState(state: IncidentState): boolean {
  return !FINISHED_STATES.includes(state);
}

/** The actions a role may take on an incident in a given state: what the desk offers. */
export function availableActions(state: IncidentState, role: Role): ActionName[] {
  return Object.values(TRANSITIONS)
    .filter((r) => r.from.includes(state) && r.roles.includes(role))
    .map((r) => r.action);
}

function rule(
  action: ActionName,
  from: readonly IncidentState[],
  to: IncidentState | 'same',
  roles: readonly Role[],
  starts: DeadlineStep | null | 'keep',
  needsComment = false,
): TransitionRule {
  return { action, from, to, roles, starts, needsComment };
}
