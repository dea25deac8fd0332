import type { ActionName, Incident, IncidentSummary } from '../../../shared/domain/incidents.js';
import { availableActions } from '../../../shared/workflow/rules.js';
import { deptRow, partOf } from './queue.js';

/** The actions a department's desk offers, in the order it shows them. */
export type DeptAction = Extract<
  ActionName,
  'respond' | 'report' | 'ask-extension' | 'return' | 'note'
>;
const ORDER: readonly DeptAction[] = ['respond', 'report', 'ask-extension', 'return', 'note'];

/**
 * What this department may do on an incident now: what the state machine lets a department do
 * in this state, narrowed to its own part (its own assignment's respondedAt and reportedAt), so
 * a button is never offered that the server would refuse for a step already done.
 */
export function deptActions(incident: IncidentSummary, departmentId: string): DeptAction[] {
  const part = partOf(incident, departmentId);
  // A department acts, and notes, only on incidents it is assigned to.
  if (!part) return [];
  const legal = new Set(availableActions(incident.state, 'department'));
  const row = deptRow(incident, departmentId);
  const offered = new Set<DeptAction>(['note']);
  if (row?.next === 'respond') offered.add('respond');
  if (row?.next === 'report') offered.add('report');
  if (row) offered.add('return');
  // More time for its own running step, once: a request waits for the duty officer's answer.
  if (row?.dueAt != null && incident.extensionRequest?.departmentId !== departmentId)
    offered.add('ask-extension');
  return ORDER.filter((a) => offered.has(a) && legal.has(a));
}

/** Where this department's latest request for more time (申请延期) stands. */
export type ExtensionStatus =
  | { kind: 'pending'; dueAt: string; at: string }
  | { kind: 'granted'; dueAt: string; at: string; comment?: string }
  | { kind: 'denied'; dueAt: string; at: string; comment?: string };

/**
 * The pending request from the incident, or the duty officer's answer to the department's last
 * one from the timeline: `extend` naming it as granted, or `deny-extension` naming it.
 */
export function extensionStatus(
  incident: Pick<Incident, 'extensionRequest' | 'timeline'>,
  departmentId: string,
): ExtensionStatus | undefined {
  const pending = incident.extensionRequest;
  if (pending?.departmentId === departmentId)
    return { kind: 'pending', dueAt: pending.dueAt, at: pending.at };
  for (let n = incident.timeline.length - 1; n >= 0; n--) {
    const e = incident.timeline[n]!;
    const comment = e.comment ? { comment: e.comment } : {};
    if (e.action === 'extend' && e.detail?.granted === departmentId)
      return { kind: 'granted', dueAt: String(e.detail.dueAt), at: e.at, ...comment };
    if (e.action === 'deny-extension' && e.detail?.departmentId === departmentId)
      return { kind: 'denied', dueAt: String(e.detail.dueAt), at: e.at, ...comment };
    // An answer older than the department's latest request is not the answer to it.
    if (e.action === 'ask-extension' && e.detail?.departmentId === departmentId) return undefined;
  }
  return undefined;
}
