import type {
  Actor,
  Assignment,
  Deadline,
  Incident,
  IncidentState,
  TimelineEntry,
} from '../domain/incidents.js';
import type { ErrorCode } from '../errors.js';
import {
  centreAbove,
  DEFAULT_LEVEL_RULES,
  depthOf,
  holdingLevel,
  inScope,
  type CentreLevel,
  type Handover,
  type LevelRules,
} from '../domain/levels.js';
import type { ActionRequest } from './actions.js';
import { defaultLimits, type DeadlineLimits } from './deadlines.js';
import { waitsForDesk } from './centres.js';
import { FINISHED_STATES, TRANSITIONS } from './rules.js';

/** What kind of refusal: the server answers 403, 409 or 400 by it. */
export type ActionErrorKind = 'forbidden' | 'illegal' | 'stale' | 'invalid';

/** Why an action was refused, as a stable code each screen has its own text for. */
export const ACTION_REFUSALS = {
  role_may_not_act: 'forbidden',
  stale_version: 'stale',
  action_not_allowed_in_state: 'illegal',
  step_already_done: 'illegal',
  no_deadline_to_extend: 'illegal',
  comment_required: 'invalid',
  department_named_twice: 'invalid',
  due_not_in_future: 'invalid',
  department_not_assigned: 'invalid',
  department_mismatch: 'forbidden',
  not_your_incident: 'forbidden',
  extension_not_later: 'invalid',
  no_extension_requested: 'illegal',
  outside_your_area: 'forbidden',
  held_by_higher_centre: 'forbidden',
  not_held_here: 'illegal',
  no_level_above: 'illegal',
  level_has_no_centre: 'invalid',
  nothing_to_take: 'illegal',
} as const satisfies Partial<Record<ErrorCode, ActionErrorKind>>;
export type ActionRefusalCode = keyof typeof ACTION_REFUSALS;

export type ActionResult =
  | { ok: true; incident: Incident; entry: TimelineEntry }
  /** `message` is English, for logs and API users; screens show their own text for `code`. */
  | { ok: false; kind: ActionErrorKind; code: ActionRefusalCode; message: string };

/**
 * Applies one action to an incident: checks role, state, version and the action's own rules,
 * and returns the next incident with the action appended to its timeline. Pure: the caller
 * persists the result and checks that named departments and grid workers exist.
 */
export function applyAction(
  incident: Incident,
  request: ActionRequest,
  actor: Actor,
  now: Date,
  limits: DeadlineLimits = defaultLimits,
  levels: LevelRules = DEFAULT_LEVEL_RULES,
): ActionResult {
  const rule = TRANSITIONS[request.action];
  if (actor.role === 'integration' || actor.role === 'system' || !rule.roles.includes(actor.role)) {
    return fail('role_may_not_act', `role ${actor.role} may not ${request.action} an incident`);
  }
  if (actor.role === 'department') {
    const refusal = ownDepartmentRefusal(incident, request, actor.departmentId);
    if (refusal) return fail('department_mismatch', refusal);
  }
  const notMine = fieldRefusal(incident, actor);
  if (notMine) return fail('not_your_incident', notMine);
  const actorLevel: CentreLevel = actor.regionId ? (actor.regionLevel ?? 'community') : 'city';
  if (
    actor.regionId &&
    !inScope({ regionId: actor.regionId, level: actor.regionLevel ?? 'community' }, incident)
  )
    return fail('outside_your_area', `incident ${incident.id} is outside ${actor.regionId}`);
  const holder = holdingLevel(incident);
  // A centre directs what it holds and what the centres below it hold; what it handed up is the
  // level above's, and it may only add notes.
  if (depthOf(holder) < depthOf(actorLevel) && request.action !== 'note')
    return fail(
      'held_by_higher_centre',
      `incident ${incident.id} is held by the ${holder} centre, above yours (${actorLevel})`,
    );
  if (request.version !== incident.version) {
    return fail(
      'stale_version',
      `incident ${incident.id} changed since you saw it (your version ${request.version}, now ${incident.version})`,
    );
  }
  if (!rule.from.includes(incident.state)) {
    return fail(
      'action_not_allowed_in_state',
      `cannot ${request.action} an incident that is ${incident.state}`,
    );
  }
  const comment = request.comment?.trim() || undefined;
  if (rule.needsComment && !comment) {
    return fail('comment_required', `${request.action} needs a comment saying why`);
  }

  const at = now.toISOString();
  const startDeadline = (step: Deadline['step'], dueAt?: string): Deadline => ({
    step,
    dueAt: dueAt ?? new Date(now.getTime() + limits(incident.category, step)).toISOString(),
    extensions: 0,
    flagged: false,
  });

  let state: IncidentState = rule.to === 'same' ? incident.state : rule.to;
  let deadline: Deadline | null =
    rule.starts === 'keep'
      ? incident.deadline
      : rule.starts === null
        ? null
        : startDeadline(rule.starts);
  let assignments = incident.assignments;
  let gridWorkerId = incident.gridWorkerId;
  let rating = incident.rating;
  let closedAt = incident.closedAt;
  let extensionRequest = incident.extensionRequest ?? null;
  let patrolIds = incident.patrolIds ?? [];
  let supervisedAt = incident.supervisedAt ?? null;
  let remindedAt = incident.remindedAt ?? null;
  let centreLevel: CentreLevel = holder;
  let handover: Handover | null = incident.handover ?? null;
  const detail: Record<string, unknown> = {};
  const handTo = (kind: Handover['kind'], to: CentreLevel): Handover => ({
    kind,
    from: holder,
    to,
    at,
    dueAt: new Date(now.getTime() + levels.takeWithin[to]).toISOString(),
    flagged: false,
  });

  switch (request.action) {
    case 'dispatch':
    case 'whistle': {
      const ids = request.action === 'dispatch' ? [request.departmentId] : request.departmentIds;
      if (new Set(ids).size !== ids.length)
        return fail('department_named_twice', 'a department is named twice');
      if (request.dueAt && Date.parse(request.dueAt) <= now.getTime()) {
        return fail('due_not_in_future', 'dueAt must be in the future');
      }
      assignments = ids.map((departmentId) => ({
        departmentId,
        respondedAt: null,
        reportedAt: null,
      }));
      deadline = startDeadline('respond', request.dueAt);
      detail.departmentIds = ids;
      break;
    }
    case 'respond':
    case 'report': {
      const field = request.action === 'respond' ? 'respondedAt' : 'reportedAt';
      const mine = assignments.find((a) => a.departmentId === request.departmentId);
      if (!mine)
        return fail(
          'department_not_assigned',
          `department ${request.departmentId} is not assigned to this incident`,
        );
      if (mine[field] !== null) {
        return fail(
          'step_already_done',
          `department ${request.departmentId} has already done ${request.action}`,
        );
      }
      assignments = assignments.map((a): Assignment => (a === mine ? { ...a, [field]: at } : a));
      // A whistle moves on only when every summoned department has acted.
      if (assignments.some((a) => a[field] === null)) {
        state = incident.state;
        deadline = incident.deadline;
      }
      detail.departmentId = request.departmentId;
      break;
    }
    case 'return':
      if (
        request.departmentId &&
        !assignments.some((a) => a.departmentId === request.departmentId)
      ) {
        return fail(
          'department_not_assigned',
          `department ${request.departmentId} is not assigned to this incident`,
        );
      }
      if (request.departmentId) detail.departmentId = request.departmentId;
      // A department returning its part of a joint case (吹哨) leaves the others' work as it
      // is: the case stays with them, and moves on if they have all done the step in hand.
      // The duty officer's return, or the last department's, sends it back for dispatch.
      if (actor.role === 'department' && assignments.length > 1) {
        assignments = assignments.filter((a) => a.departmentId !== request.departmentId);
        const field = incident.state === 'dispatched' ? 'respondedAt' : 'reportedAt';
        const allDone = assignments.every((a) => a[field] !== null);
        state = allDone
          ? incident.state === 'dispatched'
            ? 'handling'
            : 'verifying'
          : incident.state;
        deadline = allDone
          ? startDeadline(incident.state === 'dispatched' ? 'handle' : 'verify')
          : incident.deadline;
        break;
      }
      assignments = [];
      break;
    case 'extend': {
      const current = incident.deadline;
      if (!current) return fail('no_deadline_to_extend', 'there is no running deadline to extend');
      if (Date.parse(request.dueAt) <= Date.parse(current.dueAt)) {
        return fail('extension_not_later', 'an extension must move the deadline later');
      }
      deadline = {
        ...current,
        dueAt: request.dueAt,
        extensions: current.extensions + 1,
        flagged: false,
      };
      detail.dueAt = request.dueAt;
      // Extending answers a department's pending request: granted, with the officer's date.
      if (extensionRequest) detail.granted = extensionRequest.departmentId;
      extensionRequest = null;
      break;
    }
    case 'ask-extension': {
      const current = incident.deadline;
      if (!current) return fail('no_deadline_to_extend', 'there is no running deadline to extend');
      if (Date.parse(request.dueAt) <= Date.parse(current.dueAt)) {
        return fail('extension_not_later', 'an extension must move the deadline later');
      }
      extensionRequest = { departmentId: request.departmentId, dueAt: request.dueAt, at };
      detail.departmentId = request.departmentId;
      detail.dueAt = request.dueAt;
      break;
    }
    case 'deny-extension':
      if (!extensionRequest)
        return fail('no_extension_requested', 'no department has asked for more time');
      detail.departmentId = extensionRequest.departmentId;
      detail.dueAt = extensionRequest.dueAt;
      extensionRequest = null;
      break;
    case 'supervise':
      supervisedAt = at;
      break;
    case 'remind':
      remindedAt = at;
      break;
    case 'send-patrol':
      patrolIds = [...new Set([...patrolIds, ...request.patrolIds])];
      detail.patrolIds = request.patrolIds;
      break;
    case 'check':
      detail.passed = request.passed;
      break;
    case 'escalate': {
      if (holder !== actorLevel)
        return fail('not_held_here', `the ${holder} centre holds it, not yours (${actorLevel})`);
      const to = request.to ?? centreAbove(levels, holder);
      if (!to) return fail('no_level_above', 'the city centre has no level above it');
      if (depthOf(to) >= depthOf(holder) || !levels.centres.includes(to))
        return fail('level_has_no_centre', `cannot escalate from ${holder} to ${to}`);
      centreLevel = to;
      handover = handTo('escalate', to);
      detail.from = holder;
      detail.to = to;
      break;
    }
    case 'assign-down': {
      const to = request.to;
      if (depthOf(to) <= depthOf(actorLevel) || to === holder || !levels.centres.includes(to))
        return fail('level_has_no_centre', `cannot assign down from ${actorLevel} to ${to}`);
      centreLevel = to;
      handover = handTo('assign-down', to);
      detail.from = holder;
      detail.to = to;
      break;
    }
    case 'take':
      if (handover && waitsForDesk(incident, actorLevel)) {
        detail.kind = handover.kind;
      } else if (depthOf(actorLevel) < depthOf(holder)) {
        // 上收: a centre above takes a matter from the one below.
        centreLevel = actorLevel;
        detail.from = holder;
      } else return fail('nothing_to_take', 'nothing was handed to your centre');
      detail.to = actorLevel;
      handover = null;
      break;
    case 'reopen':
      assignments = assignments.map((a) => ({ ...a, reportedAt: null }));
      closedAt = null;
      rating = null;
      break;
    case 'close':
      closedAt = at;
      break;
    case 'evaluate':
      rating = request.rating;
      detail.rating = request.rating;
      break;
    case 'assign':
      gridWorkerId = request.gridWorkerId;
      detail.gridWorkerId = request.gridWorkerId;
      break;
    case 'accept':
    case 'reject':
    case 'note':
      break;
  }

  // Acting on a matter handed to one's own centre takes it.
  if (
    handover &&
    request.action !== 'note' &&
    request.action !== 'escalate' &&
    request.action !== 'assign-down' &&
    handover.to === actorLevel &&
    centreLevel === actorLevel
  )
    handover = null;
  // A finished matter waits on no centre.
  if (!isOpen(state)) handover = null;

  // A request for more time on a step that is over, or a case back at the desk, is moot.
  if (extensionRequest && (deadline?.step !== incident.deadline?.step || !assignments.length))
    extensionRequest = null;

  const entry: TimelineEntry = {
    at,
    action: request.action,
    actor,
    from: incident.state,
    to: state,
    ...(comment ? { comment } : {}),
    ...(Object.keys(detail).length ? { detail } : {}),
    ...(request.photos?.length ? { photos: request.photos } : {}),
  };
  return {
    ok: true,
    entry,
    incident: withOptional(
      {
        ...incident,
        version: incident.version + 1,
        state,
        deadline,
        assignments,
        gridWorkerId,
        rating,
        closedAt,
        updatedAt: at,
        timeline: [...incident.timeline, entry],
      },
      {
        centreLevel: centreLevel === 'city' ? null : centreLevel,
        handover,
        extensionRequest,
        patrolIds: patrolIds.length ? patrolIds : null,
        supervisedAt,
        remindedAt,
      },
    ),
  };
}

/**
 * The incident with its optional fields set, or left off when empty: most incidents never have
 * them, and the live stream and the store carry no empty ones.
 */
function withOptional(
  incident: Incident,
  fields: Pick<
    { [K in keyof Incident]-?: Exclude<Incident[K], undefined> | null },
    'centreLevel' | 'handover' | 'extensionRequest' | 'patrolIds' | 'supervisedAt' | 'remindedAt'
  >,
): Incident {
  const next: Record<string, unknown> = { ...incident };
  for (const [key, value] of Object.entries(fields)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next as Incident;
}

/** Past its step's deadline (超期) while the centre is still waiting on that step. */
export function isOverdue(incident: Pick<Incident, 'deadline'>, now: Date): boolean {
  // Finished incidents carry no deadline, so only a running step can be overdue.
  return incident.deadline !== null && Date.parse(incident.deadline.dueAt) <= now.getTime();
}

function isOpen(state: IncidentState): boolean {
  return !FINISHED_STATES.includes(state);
}

function fail(code: ActionRefusalCode, message: string): ActionResult {
  return { ok: false, kind: ACTION_REFUSALS[code], code, message };
}

/**
 * A grid worker's phone acts on the incidents of its own grids (assigned to it); a patrol's
 * phone on the incidents it was sent to.
 */
function fieldRefusal(incident: Incident, actor: Actor): string | undefined {
  if (actor.role === 'grid') {
    if (!actor.gridWorkerId) return 'this grid account is bound to no grid worker';
    if (incident.gridWorkerId !== actor.gridWorkerId)
      return `incident ${incident.id} is not assigned to grid worker ${actor.gridWorkerId}`;
  }
  if (actor.role === 'patrol') {
    if (!actor.patrolId) return 'this patrol account is bound to no patrol team';
    if (!(incident.patrolIds ?? []).includes(actor.patrolId))
      return `patrol ${actor.patrolId} was not sent to incident ${incident.id}`;
  }
  return undefined;
}

/**
 * A department's user acts only for its own department, on incidents that department is assigned
 * to: it answers (报到), reports back and returns for itself, and notes only on its own cases.
 */
function ownDepartmentRefusal(
  incident: Incident,
  request: ActionRequest,
  departmentId: string | undefined,
): string | undefined {
  if (!departmentId) return 'this department account is bound to no department';
  const named = 'departmentId' in request ? request.departmentId : undefined;
  if (named !== undefined && named !== departmentId)
    return `a user of ${departmentId} may not act for ${named}`;
  if (request.action === 'return' && named === undefined)
    return 'a department returns an incident for itself: name your department';
  if (!incident.assignments.some((a) => a.departmentId === departmentId))
    return `${departmentId} is not assigned to incident ${incident.id}`;
  return undefined;
}
