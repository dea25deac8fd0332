import type { Incident, IncidentState } from '../../shared/index.js';
import type { Locale } from './catalogue.js';

/** Open311 knows two statuses; our loop has eight states. */
export type Open311Status = 'open' | 'closed';

/**
 * Closed once the centre has finished with it (结案, 回访) or refused it (不予受理); every step
 * before is still open as a citizen sees it, 核查 included, since the result may yet be sent back.
 */
export const STATUS_OF_STATE: Readonly<Record<IncidentState, Open311Status>> = {
  reported: 'open',
  accepted: 'open',
  dispatched: 'open',
  handling: 'open',
  verifying: 'open',
  closed: 'closed',
  evaluated: 'closed',
  rejected: 'closed',
};

/** The states behind each Open311 status, for `status=` filters. */
export function statesOf(status: Open311Status): IncidentState[] {
  return (Object.keys(STATUS_OF_STATE) as IncidentState[]).filter(
    (s) => STATUS_OF_STATE[s] === status,
  );
}

type Note = Readonly<Record<Locale, string>>;

/**
 * Each timeline entry in plain words, for `status_notes`. Comments are left out on purpose:
 * they are written for colleagues (a department's remarks, a supervisor's note) and may name
 * people; the citizen gets what happened, not the internal discussion.
 */
// Keyed by string, not the action union, so an action added to the workflow does not break
// this file: it reads as the status's generic words until it is given its own here.
const NOTES: Readonly<Record<string, Note>> = {
  created: { zh: '已收到，等待受理', en: 'Received; waiting to be accepted' },
  'report-attached': {
    zh: '又收到对同一事项的反映，已合并办理',
    en: 'More reports of the same matter came in and were joined to it',
  },
  accept: { zh: '已受理，等待派遣', en: 'Accepted; waiting to be dispatched' },
  reject: {
    zh: '不予受理，本事项已关闭',
    en: 'Not accepted by the centre (不予受理); the request is closed',
  },
  dispatch: { zh: '已派遣至处置部门', en: 'Dispatched to the responsible department' },
  whistle: {
    zh: '已派遣多个部门联合处置',
    en: 'Dispatched to several departments to handle jointly',
  },
  respond: { zh: '处置部门已签收', en: 'The department has taken it on' },
  report: {
    zh: '处置部门已反馈办理结果，等待核查',
    en: 'The department reported it done; the result is being checked',
  },
  return: {
    zh: '已退回中心，等待重新派遣',
    en: 'Returned to the centre; to be dispatched again',
  },
  extend: { zh: '办理时限已延长', en: 'The deadline was extended' },
  close: { zh: '已办结', en: 'Resolved and closed' },
  reopen: { zh: '已重新办理', en: 'Reopened for further handling' },
  evaluate: { zh: '已办结并回访', en: 'Resolved; the follow-up call is done' },
  note: { zh: '办理记录已更新', en: 'The case record was updated' },
  assign: { zh: '已指派网格员跟进', en: 'A grid worker was assigned to follow it up' },
  check: { zh: '网格员已现场核查', en: 'A grid worker checked the result on the spot' },
  'ask-extension': {
    zh: '处置部门申请延长办理时限',
    en: 'The department asked for more time',
  },
  'deny-extension': {
    zh: '延期申请未获批准，按原时限办理',
    en: 'The request for more time was refused; the deadline stands',
  },
  supervise: { zh: '中心督办中', en: 'The centre is supervising the case' },
  remind: { zh: '中心已催办', en: 'The centre reminded the departments' },
  'send-patrol': { zh: '已调派巡逻力量到场', en: 'A patrol was sent to the place' },
  escalate: { zh: '已上报上级中心办理', en: 'Handed up to the higher-level centre' },
  'assign-down': { zh: '已下派至属地中心办理', en: 'Handed down to the local centre' },
  take: { zh: '承办中心已接收', en: 'Taken on by the centre now handling it' },
  overdue: {
    zh: '已超过办理时限，中心督促办理中',
    en: 'Past its deadline; the centre is following it up',
  },
  'self-handle': { zh: '网格员已现场处置完毕', en: 'Settled on the spot by a grid worker' },
  answer: { zh: '已当场答复', en: 'Answered on the spot' },
};

/** The incident's last timeline entry in plain words. */
export function statusNotes(incident: Incident, locale: Locale): string {
  const last = incident.timeline.at(-1);
  // An action without words here (new to the workflow) falls back to the status.
  const note = last ? NOTES[last.action] : undefined;
  if (note) return note[locale];
  return STATUS_OF_STATE[incident.state] === 'closed'
    ? locale === 'zh'
      ? '已关闭'
      : 'Closed'
    : locale === 'zh'
      ? '办理中'
      : 'In progress';
}
