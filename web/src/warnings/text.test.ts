import { describe, expect, it } from 'vitest';
import type { Warning } from '../../../shared/domain/warnings.js';
import { LOCALES, type Locale, type MessageKey } from '../i18n/index.js';
import { shortTime, warningSentence, warningStateText, type WarningNames } from './text.js';

const tIn = (locale: Locale) => (key: MessageKey) =>
  key
    .split('.')
    .reduce<unknown>(
      (node, part) => (node as Record<string, unknown>)[part],
      LOCALES[locale],
    ) as string;
const zh = tIn('zh-CN');
const en = tIn('en');
const names: WarningNames = {
  department: (id) => (id === 'dept-cg' ? '城管执法局' : undefined),
  camera: (id) => (id === 'cam-7' ? '云溪三中校门口' : undefined),
  region: (id) => (id === 'grid-12' ? '华光社区第12网格' : undefined),
};

describe('warning sentences', () => {
  it('names the incident behind a group risk', () => {
    const w = { rule: 'group-risk', facts: { incidentTitle: '业主聚集维权' } } as const;
    expect(warningSentence(w, zh, names)).toBe('群体性风险：业主聚集维权');
    expect(warningSentence(w, en, names)).toBe('Group risk: 业主聚集维权');
  });

  it('counts repeated matters with the category in the locale’s words', () => {
    const w = {
      rule: 'repeat-matter',
      facts: { category: 'dispute', count: 4, radiusM: 500, days: 3 },
    } as const;
    expect(warningSentence(w, zh, names)).toBe('3天内500米范围内4起矛盾纠纷');
    expect(warningSentence(w, en, names)).toBe('Dispute: 4 within 500 m in 3 days');
    // A category this build does not know is shown as it came.
    const newer = { rule: 'repeat-matter', facts: { ...w.facts, category: 'drones' } } as const;
    expect(warningSentence(newer, zh, names)).toBe('3天内500米范围内4起drones');
  });

  it('names the department with a backlog, or shows its id when the city does not', () => {
    const w = { rule: 'department-overdue', facts: { departmentId: 'dept-cg', count: 7 } } as const;
    expect(warningSentence(w, zh, names)).toBe('城管执法局有7件超期未办');
    expect(warningSentence(w, en, names)).toBe('城管执法局: 7 overdue');
    const unknown = { rule: 'department-overdue', facts: { departmentId: 'dept-x', count: 2 } };
    expect(warningSentence(unknown as Warning, zh, names)).toBe('dept-x有2件超期未办');
  });

  it('names the key place and its camera gone offline', () => {
    const w = {
      rule: 'key-camera-offline',
      facts: { cameraId: 'cam-7', placeName: '云溪三中' },
    } as const;
    expect(warningSentence(w, zh, names)).toBe('云溪三中的摄像机云溪三中校门口离线');
    expect(warningSentence(w, en, names)).toBe('Camera 云溪三中校门口 at 云溪三中 offline');
    const unnamed = { rule: 'key-camera-offline', facts: { cameraId: 'cam-9', placeName: 'X' } };
    expect(warningSentence(unnamed as Warning, zh, names)).toBe('X的摄像机cam-9离线');
  });

  it('names the grid whose week surged, against its weekly mean before', () => {
    const w = {
      rule: 'grid-surge',
      facts: { count: 14, baseline: 3.3333, weeks: 8, p: 0.0004 },
      area: { gridId: 'grid-12', communityId: 'c', streetId: 's', districtId: 'd' },
    } as const;
    expect(warningSentence(w, zh, names)).toBe('华光社区第12网格近7天14起事项，前8周平均每周3.3起');
    expect(warningSentence(w, en, names)).toBe(
      '华光社区第12网格: 14 matters in 7 days, 3.3 a week over the 8 weeks before',
    );
    const elsewhere = { ...w, area: { ...w.area, gridId: 'grid-99' } };
    expect(warningSentence(elsewhere, zh, names)).toMatch(/^grid-99近7天/);
  });

  it('puts a dash, never "undefined", where a fact is missing', () => {
    const w = { rule: 'repeat-matter', facts: { category: 'dispute' } } as const;
    expect(warningSentence(w, zh, names)).toBe('—天内—米范围内—起矛盾纠纷');
    expect(warningSentence({ rule: 'group-risk', facts: {} }, zh, names)).not.toContain(
      'undefined',
    );
  });

  it('has a sentence for every rule in both locales, with the same placeholders', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [rule, text] of Object.entries(LOCALES['zh-CN'].warning.text)) {
      const english = LOCALES.en.warning.text[rule as keyof typeof LOCALES.en.warning.text];
      expect(placeholders(text), rule).toEqual(placeholders(english));
    }
  });
});

describe('warning states and times', () => {
  // Instants in UTC, read on a centre's clock of UTC+8 (480 minutes), whatever this machine's zone.
  const CHINA = 480;
  const now = Date.UTC(2026, 10, 22, 7, 0); // 15:00 in the centre
  const base: Warning = {
    id: 'YJ-1',
    rule: 'group-risk',
    level: 'red',
    state: 'open',
    facts: { incidentTitle: 'x' },
    raisedAt: new Date(Date.UTC(2026, 10, 22, 6, 5)).toISOString(),
    updatedAt: new Date(Date.UTC(2026, 10, 22, 6, 5)).toISOString(),
    incidentIds: [],
  };

  it('shows the time alone today, with the date on another day', () => {
    expect(shortTime(base.raisedAt, now, CHINA)).toBe('14:05');
    expect(shortTime(new Date(Date.UTC(2026, 10, 21, 1, 3)).toISOString(), now, CHINA)).toBe(
      '11/21 09:03',
    );
    // Half past midnight in the centre is still the evening before in UTC: today, all the same.
    expect(shortTime(new Date(Date.UTC(2026, 10, 21, 16, 30)).toISOString(), now, CHINA)).toBe(
      '00:30',
    );
    // A centre on another clock sees its own hour.
    expect(shortTime(base.raisedAt, now, 0)).toBe('06:05');
  });

  it('says who acknowledged it and when', () => {
    expect(warningStateText(base, zh, now, CHINA)).toBe('待确认');
    const acked: Warning = {
      ...base,
      state: 'acknowledged',
      acknowledged: {
        by: 'duty',
        name: '李明',
        at: new Date(Date.UTC(2026, 10, 22, 6, 12)).toISOString(),
      },
    };
    expect(warningStateText(acked, zh, now, CHINA)).toBe('已确认（李明 14:12）');
    expect(warningStateText(acked, en, now, CHINA)).toBe('Acknowledged by 李明, 14:12');
  });
});
