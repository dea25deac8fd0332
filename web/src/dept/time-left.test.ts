import { describe, expect, it } from 'vitest';
import { deadlineText, formatSpan, urgency } from './time-left.js';

const words = { dayHour: '{d}天{h}小时', hourMinute: '{h}小时{m}分', minute: '{m}分钟' };
const min = 60_000;

describe('time left', () => {
  it('warns softly in the last ten minutes, and hard once the deadline passed', () => {
    expect(urgency(null, 0)).toBe('none');
    expect(urgency(11 * min, 0)).toBe('ok');
    expect(urgency(10 * min, 0)).toBe('soon');
    expect(urgency(1, 0)).toBe('soon');
    expect(urgency(0, 0)).toBe('overdue');
    expect(urgency(-5 * min, 0)).toBe('overdue');
  });

  it('reads in days, hours or minutes, and to the second near the end', () => {
    expect(formatSpan(2 * 1440 * min + 3 * 60 * min + 7 * min, words)).toBe('2天3小时');
    expect(formatSpan(3 * 60 * min + 5 * min + 30_000, words)).toBe('3小时05分');
    expect(formatSpan(25 * min + 59_000, words)).toBe('25分钟');
    expect(formatSpan(9 * min + 32_000, words)).toBe('9:32');
    expect(formatSpan(-(4 * min + 5_000), words)).toBe('4:05');
    expect(formatSpan(-(70 * min), words)).toBe('1小时10分');
  });
});

describe('the deadline text', () => {
  const zh: Record<string, string> = {
    'dept.left': '剩余{t}',
    'dept.late': '超期{t}',
    'dept.dayHour': words.dayHour,
    'dept.hourMinute': words.hourMinute,
    'dept.minute': words.minute,
  };
  const t = (key: string) => zh[key] ?? key;
  it('says how long is left, or how long ago it passed', () => {
    expect(deadlineText(null, 0, t)).toBe('');
    expect(deadlineText(90 * min, 0, t)).toBe('剩余1小时30分');
    expect(deadlineText(0, 12 * min, t)).toBe('超期12分钟');
  });
});
