import { describe, expect, it } from 'vitest';
import { change, formatFigure } from './format.js';

describe('statistics figures on screen', () => {
  it('show rates as percentages and counts with separators', () => {
    expect(formatFigure('closeRate', 0.9345)).toBe('93.5%');
    expect(formatFigure('intake', 12345)).toBe('12,345');
    expect(formatFigure('satisfaction', null)).toBe('—');
  });

  it('say a rate moved in points and a count in per cent, better or worse', () => {
    expect(change('onTimeRate', 0.9, 0.85)).toEqual({
      text: '+5.0pt',
      direction: 'up',
      good: true,
    });
    expect(change('overdue', 120, 100)).toEqual({ text: '+20.0%', direction: 'up', good: false });
    expect(change('intake', 5, 0).direction).toBe('none');
  });
});
