import { describe, expect, it } from 'vitest';
import { translate, type Locale, type MessageKey } from '../i18n/index.js';
import { scheduleText } from './schedule-text.js';

const text = (locale: Locale, schedule: Parameters<typeof scheduleText>[0]) =>
  scheduleText(schedule, (key: MessageKey) => translate(locale, key), locale);

describe('scheduleText', () => {
  it('says a plan’s days and hours in a few words, in each locale', () => {
    const weekdays = { days: [5, 1, 2, 3, 4], from: '07:00', to: '09:30' };
    expect(text('zh-CN', weekdays)).toBe('工作日 07:00–09:30');
    expect(text('en', weekdays)).toBe('Weekdays 07:00–09:30');
    const nights = { days: [1, 3, 5], from: '22:00', to: '06:00' };
    expect(text('zh-CN', nights)).toBe('周一三五 22:00–06:00');
    expect(text('en', nights)).toBe('Mon Wed Fri 22:00–06:00');
    const always = { days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' };
    expect(text('zh-CN', always)).toBe('每天 全天');
    expect(text('en', always)).toBe('Daily all day');
  });

  it('names a plan with no schedule as run by hand', () => {
    expect(text('zh-CN', null)).toBe('仅手动');
    expect(text('en', null)).toBe('By hand only');
  });
});
