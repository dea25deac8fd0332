import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../../shared/domain/incidents.js';
import { LOCALES, type MessageKey } from '../i18n/index.js';
import { timelineText } from './timeline-text.js';

const t = (key: MessageKey) =>
  key
    .split('.')
    .reduce<unknown>(
      (node, part) => (node as Record<string, unknown>)[part],
      LOCALES['zh-CN'],
    ) as string;
const entry = (
  action: TimelineEntry['action'],
  detail?: Record<string, unknown>,
): TimelineEntry => ({
  at: '2026-11-22T08:00:00.000Z',
  action,
  actor: { id: 'x', name: '值班员', role: 'duty' },
  from: 'accepted',
  to: 'accepted',
  ...(detail ? { detail } : {}),
});

describe('timeline texts between levels', () => {
  it('names the levels a matter moved between', () => {
    expect(timelineText(entry('escalate', { from: 'community', to: 'street' }), t)).toBe(
      '上报/提级 · 社区 → 街道',
    );
    expect(timelineText(entry('assign-down', { from: 'city', to: 'community' }), t)).toBe(
      '下派 · 市级 → 社区',
    );
    expect(timelineText(entry('take', { kind: 'escalate', to: 'street' }), t)).toBe('接收 · 街道');
    expect(timelineText(entry('take', { from: 'community', to: 'street' }), t)).toBe(
      '上收 · 社区 → 街道',
    );
  });

  it('tells a handover not taken in time from a step overdue', () => {
    expect(timelineText(entry('overdue', { step: 'take', level: 'street' }), t)).toBe(
      '接收超时 · 街道',
    );
    expect(timelineText(entry('overdue', { step: 'respond' }), t)).toBe('超期');
  });
});
