import type { IncidentSummary, Severity } from '../../../shared/domain/incidents.js';
import type { Warning } from '../../../shared/domain/warnings.js';
import type { Delta } from '../../../shared/realtime/events.js';
import { isOpenState } from '../../../shared/workflow/rules.js';
import type { MessageKey } from '../i18n/index.js';
import { fillWarningText, warningSentence, type WarningNames } from '../warnings/text.js';

/** What arrives live that the desk and the wall sound an alert for. */
export type LiveAlert =
  | { kind: 'red-warning'; id: string; warning: Warning }
  | { kind: 'critical-incident'; id: string; incident: IncidentSummary };
export type AlertKind = LiveAlert['kind'];

/** What the screen held before the batch: an incident's severity, whether it holds a warning. */
export interface AlertSeen {
  incident(id: string): Severity | undefined;
  warning(id: string): boolean;
}

/**
 * The alerts a batch of live deltas calls for, red warnings first, then critical incidents, each
 * in the order they came: an open incident that is critical and was not before (new to the
 * screen, or its severity raised), and a warning new to the screen that is red and open. An id
 * alerts once per batch, and a later delta in the batch sees what an earlier one changed. A
 * snapshot calls for none: only what happens while the screen looks.
 */
export function alertFor(deltas: readonly Delta[], seen: AlertSeen): LiveAlert[] {
  const severity = new Map<string, Severity>();
  const warningsHeld = new Set<string>();
  const warnings: LiveAlert[] = [];
  const incidents: LiveAlert[] = [];
  for (const d of deltas) {
    if (d.type === 'incident') {
      const i = d.incident;
      const before = severity.get(i.id) ?? seen.incident(i.id);
      severity.set(i.id, i.severity);
      if (i.severity === 'critical' && before !== 'critical' && isOpenState(i.state))
        incidents.push({ kind: 'critical-incident', id: i.id, incident: i });
    } else if (d.type === 'warning') {
      const w = d.warning;
      const held = warningsHeld.has(w.id) || seen.warning(w.id);
      warningsHeld.add(w.id);
      if (!held && w.level === 'red' && w.state === 'open')
        warnings.push({ kind: 'red-warning', id: w.id, warning: w });
    }
  }
  return [...warnings, ...incidents];
}

/**
 * A gate that opens at most once per `ms`: a burst of alerts sounds once. Answers whether `now`
 * may sound (and, if so, counts it).
 */
export function burstGate(ms: number): (now: number) => boolean {
  let last = -Infinity;
  return (now) => {
    if (now - last < ms) return false;
    last = now;
    return true;
  };
}

/**
 * What the wall says for an alert, in the language of `t`: 「红色预警：群体性风险，外卖骑手聚集
 * 讨薪」, 「特别重大事件：……」.
 */
export function alertSpeech(
  alert: LiveAlert,
  t: (key: MessageKey) => string,
  names: WarningNames,
): string {
  if (alert.kind === 'critical-incident')
    return fillWarningText(t('alert.speech.critical'), { title: alert.incident.title });
  const w = alert.warning;
  // A group risk's sentence repeats the rule's name; its matter's title says the rest.
  const text = (
    w.rule === 'group-risk' ? (w.facts.incidentTitle ?? '') : warningSentence(w, t, names)
  ).trim();
  return fillWarningText(t(text ? 'alert.speech.warning' : 'alert.speech.warningBare'), {
    level: t(`warning.level.${w.level}`),
    rule: t(`warning.rule.${w.rule}`),
    text,
  });
}
