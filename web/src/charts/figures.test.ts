import { describe, expect, it } from 'vitest';
import type { IncidentSummary } from '../../../shared/domain/incidents.js';
import { filteredFigures } from './figures.js';

const at = (h: number, m = 0) => new Date(2026, 10, 22, h, m).toISOString();
const incident = (over: Partial<IncidentSummary>) => over as IncidentSummary;

describe('filteredFigures', () => {
  it("counts today's matching incidents by category and local hour, and today's closes", () => {
    const figures = filteredFigures(
      [
        incident({ category: 'dispute', reportedAt: at(0, 5), closedAt: at(1, 0) }),
        incident({ category: 'dispute', reportedAt: at(9, 59), closedAt: null }),
        incident({ category: 'emergency', reportedAt: at(23, 1), closedAt: null }),
        incident({ category: 'emergency', reportedAt: at(9), closedAt: null, severity: 'low' }),
        // Yesterday's, closed today after 30 hours.
        incident({
          category: 'dispute',
          reportedAt: new Date(2026, 10, 21, 5).toISOString(),
          closedAt: at(11),
        }),
      ],
      (i) => i.severity !== 'low',
      new Date(2026, 10, 22, 23, 30),
    );
    expect(figures.byCategory).toMatchObject({ dispute: 2, emergency: 1, 'public-order': 0 });
    expect(figures.hourly[0]).toBe(1);
    expect(figures.hourly[9]).toBe(1);
    expect(figures.hourly[23]).toBe(1);
    expect(figures.hourly.reduce((a, b) => a + b)).toBe(3);
    expect(figures.closeTime).toEqual([1, 0, 0, 0, 1, 0]);
  });
});
