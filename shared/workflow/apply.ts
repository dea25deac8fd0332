import type {
  Actor,
  Assignment,
  Deadline,
  Incident,
  IncidentState,
  TimelineEntry,
} from '../domain/incidents.js';
import type { ActionRequest } from './actions.js';
import { defaultLimits, type DeadlineLimits } from './deadlines.js';
import { TRANSITIONS } from './rules.js';

export type ActionErrorCode = 'forbidden' | 'illegal' | 'stale' | 'invalid';

export type ActionResult =
  | { ok: true; incident: Incident; entry: TimelineEntry }
  | { ok: false; code: ActionErrorCode; message: string };

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
): ActionResult {
  const rule = TRANSITIONS[request.action];
  if (actor.role === 'integration' || actor.role === 'system' || !rule.roles.includes(actor.role)) {
    return fail('forbidden', `role ${actor.role} may not ${request.action} an incident`);
  }
  if (request.version !== incident.version) {
    return fail(
      'stale',
      `incident ${incident.id} changed since you saw it (your version ${request.version}, now ${incident.version})`,
    );
  }
  if (!rule.from.includes(incident.state)) {
    return fail('illegal', `cannot ${request.action} an incident that is ${incident.state}`);
  }
  const comment = request.comment?.trim() || undefined;
  if (rule.needsComment && !comment) {
    return fail('invalid', `${request.action} needs a comment saying why`);
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
  const detail: Record<string, unknown> = {};

  switch (request.action) {
    case 'dispatch':
    case 'whistle': {
      const ids = request.action === 'dispatch' ? [request.departmentId] : request.departmentIds;
      if (new Set(ids).size !== ids.length) return fail('invalid', 'a department is named twice');
      if (request.dueAt && Date.parse(request.dueAt) <= now.getTime()) {
        return fail('invalid', 'dueAt must be in the future');
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
          'invalid',
          `department ${request.departmentId} is not assigned to this incident`,
        );
      if (mine[field] !== null) {
        return fail(
          'illegal',
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
          'invalid',
          `department ${request.departmentId} is not assigned to this incident`,
        );
      }
      if (request.departmentId) detail.departmentId = request.departmentId;
      assignments = [];
      break;
    case 'extend': {
      const current = incident.deadline;
      if (!current) return fail('illegal', 'there is no running deadline to extend');
      if (Date.parse(request.dueAt) <= Date.parse(current.dueAt)) {
        return fail('invalid', 'an extension must move the deadline later');
      }
      deadline = {
        ...current,
        dueAt: request.dueAt,
        extensions: current.extensions + 1,
        flagged: false,
      };
      detail.dueAt = request.dueAt;
      break;
    }
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

  const entry: TimelineEntry = {
    at,
    action: request.action,
    actor,
    from: incident.state,
    to: state,
    ...(comment ? { comment } : {}),
    ...(Object.keys(detail).length ? { detail } : {}),
  };
  return {
    ok: true,
    entry,
    incident: {
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
  };
}

/** Past its step's deadline (超期) while the centre is still waiting on that step. */
export function isOverdue(incident: Pick<Incident, 'deadline'>, now: Date): boolean {
  // Finished incidents carry no deadline, so only a running step can be overdue.
  return incident.deadline !== null && Date.parse(incident.deadline.dueAt) <= now.getTime();
}

function fail(code: ActionErrorCode, message: string): ActionResult {
  return { ok: false, code, message };
}
