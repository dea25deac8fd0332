import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../shared/index.js';
import { DeadlineHeap } from './deadline-heap.js';

describe('the deadline heap', () => {
  it('hands out due incidents earliest first, through moves and removals, like a sorted list', () => {
    const random = seededRandom(7);
    const heap = new DeadlineHeap();
    const model = new Map<string, number>();
    for (let step = 0; step < 5_000; step++) {
      const id = `INC-${Math.floor(random() * 300)}`;
      const roll = random();
      if (roll < 0.6) {
        const due = Math.floor(random() * 10_000);
        heap.set(id, due);
        model.set(id, due);
      } else if (roll < 0.8) {
        heap.delete(id);
        model.delete(id);
      } else {
        const now = Math.floor(random() * 10_000);
        const popped: number[] = [];
        for (let next = heap.popDue(now); next; next = heap.popDue(now)) {
          expect(model.get(next)).toBeLessThanOrEqual(now);
          popped.push(model.get(next)!);
          model.delete(next);
        }
        expect(popped).toEqual([...popped].sort((a, b) => a - b));
        expect([...model.values()].every((due) => due > now)).toBe(true);
      }
      expect(heap.earliest).toBe(model.size ? Math.min(...model.values()) : Infinity);
    }
  });
});
