import { describe, expect, it } from 'vitest';
import type { IncidentSummary, Severity } from '../../../shared/domain/incidents.js';
import type { Warning } from '../../../shared/domain/warnings.js';
import type { Delta } from '../../../shared/realtime/events.js';
import { translate } from '../i18n/index.js';
import { incident } from '../testing/incident.js';
import { alertFor, alertSpeech, burstGate, type AlertSeen } from './alert-for.js';

const AT = '2026-11-22T08:00:00.000Z';
let seq = 0;
const inc = (i: IncidentSummary): Delta => ({ seq: ++seq, at: AT, type: 'incident', incident: i });
const warn = (w: Warning): Delta => ({ seq: ++seq, at: AT, type: 'warning', warning: w });
const warning = (id: string, over: Partial<Warning> = {}): Warning => ({
  id,
  rule: 'group-risk',
  level: 'red',
  state: 'open',
  facts: { incidentTitle: '外卖骑手聚集讨薪' },
  raisedAt: AT,
  updatedAt: AT,
  incidentIds: ['INC-1'],
  ...over,
});

/** The screen holds these incidents (id → severity) and warnings. */
function seen(incidents: Record<string, Severity> = {}, warnings: string[] = []): AlertSeen {
  return { incident: (id) => incidents[id], warning: (id) => warnings.includes(id) };
}
const ids = (deltas: Delta[], held = seen()) => alertFor(deltas, held).map((a) => a.id);

describe('what arrives live that sounds an alert', () => {
  it('alerts a critical incident new to the screen, and one raised to critical', () => {
    const fresh = incident('INC-1', { severity: 'critical' });
    const raised = incident('INC-2', { severity: 'critical' });
    const alerts = alertFor([inc(fresh), inc(raised)], seen({ 'INC-2': 'high' }));
    expect(alerts.map((a) => [a.kind, a.id])).toEqual([
      ['critical-incident', 'INC-1'],
      ['critical-incident', 'INC-2'],
    ]);
  });

  it('stays quiet for what is not critical, was critical already, or is finished', () => {
    expect(ids([inc(incident('INC-1', { severity: 'high' }))])).toEqual([]);
    expect(
      ids([inc(incident('INC-1', { severity: 'critical' }))], seen({ 'INC-1': 'critical' })),
    ).toEqual([]);
    expect(ids([inc(incident('INC-1', { severity: 'critical', state: 'closed' }))])).toEqual([]);
  });

  it('alerts an incident once in a batch, and sees what an earlier delta of it changed', () => {
    const critical = incident('INC-1', { severity: 'critical' });
    expect(ids([inc(critical), inc({ ...critical, state: 'accepted' })])).toEqual(['INC-1']);
    // Reported low, then raised within the same batch: raised, so it alerts.
    expect(ids([inc(incident('INC-2')), inc(incident('INC-2', { severity: 'critical' }))])).toEqual(
      ['INC-2'],
    );
  });

  it('alerts a red warning new to the screen and open, first in the batch', () => {
    const alerts = alertFor(
      [inc(incident('INC-1', { severity: 'critical' })), warn(warning('YJ-1'))],
      seen(),
    );
    expect(alerts.map((a) => [a.kind, a.id])).toEqual([
      ['red-warning', 'YJ-1'],
      ['critical-incident', 'INC-1'],
    ]);
  });

  it('stays quiet for a warning held already, not red, or not open', () => {
    expect(ids([warn(warning('YJ-1'))], seen({}, ['YJ-1']))).toEqual([]);
    expect(ids([warn(warning('YJ-1', { level: 'orange' }))])).toEqual([]);
    expect(ids([warn(warning('YJ-1', { state: 'acknowledged' }))])).toEqual([]);
    // Raised and acknowledged in one batch: raised once.
    expect(ids([warn(warning('YJ-2')), warn(warning('YJ-2'))])).toEqual(['YJ-2']);
  });

  it('ignores camera deltas', () => {
    expect(
      ids([{ seq: ++seq, at: AT, type: 'camera', cameraId: 'cam-1', status: 'offline' }]),
    ).toEqual([]);
  });
});

describe('the burst gate', () => {
  it('opens at most once per period', () => {
    const gate = burstGate(3_000);
    expect([0, 100, 2_999, 3_000, 5_000, 6_001].map((t) => gate(t))).toEqual([
      true,
      false,
      false,
      true,
      false,
      true,
    ]);
  });
});

describe('what the wall says', () => {
  const zh = (key: Parameters<typeof translate>[1]) => translate('zh-CN', key);
  const names = {
    department: (id: string) => (id === 'dept-1' ? '城管执法局' : undefined),
    camera: () => undefined,
    region: () => undefined,
  };

  it('says a red warning’s level, rule and matter in Chinese', () => {
    const [alert] = alertFor([warn(warning('YJ-1'))], seen());
    expect(alertSpeech(alert!, zh, names)).toBe('红色预警：群体性风险，外卖骑手聚集讨薪');
    const [pile] = alertFor(
      [
        warn(
          warning('YJ-2', {
            rule: 'department-overdue',
            facts: { departmentId: 'dept-1', count: 5 },
          }),
        ),
      ],
      seen(),
    );
    expect(alertSpeech(pile!, zh, names)).toBe('红色预警：部门超期积压，城管执法局有5件超期未办');
    const [bare] = alertFor([warn(warning('YJ-3', { facts: {} }))], seen());
    expect(alertSpeech(bare!, zh, names)).toBe('红色预警：群体性风险');
  });

  it('says a critical incident’s title', () => {
    const [alert] = alertFor(
      [inc(incident('INC-1', { severity: 'critical', title: '化工厂起火' }))],
      seen(),
    );
    expect(alertSpeech(alert!, zh, names)).toBe('特别重大事件：化工厂起火');
  });
});
