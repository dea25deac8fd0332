/**
 * The simulator's diary: tasks due at a time on the clock, run in time order by whoever calls
 * `runDue`. One timer drives it in the running server; a test drives it with a fake clock.
 */
interface Entry {
  at: number;
  order: number;
  task: () => void;
}

export class Agenda {
  private heap: Entry[] = [];
  private order = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Runs `task` once the clock reaches `at` (ms since the epoch). */
  at(at: number, task: () => void): void {
    this.heap.push({ at, order: this.order++, task });
    this.up(this.heap.length - 1);
  }

  /** Runs, in time order, every task due by `now`, including tasks they add that are due too. */
  runDue(now: number, onError: (err: unknown) => void = () => {}): number {
    let ran = 0;
    while (this.heap.length && this.heap[0]!.at <= now) {
      const entry = this.pop();
      ran++;
      try {
        entry.task();
      } catch (err) {
        onError(err);
      }
    }
    return ran;
  }

  /** When the next task is due, or undefined when the diary is empty. */
  nextAt(): number | undefined {
    return this.heap[0]?.at;
  }

  clear(): void {
    this.heap = [];
  }

  private pop(): Entry {
    const top = this.heap[0]!;
    const last = this.heap.pop()!;
    if (this.heap.length) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.order < b.order);
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) return;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < h.length && this.less(h[l]!, h[smallest]!)) smallest = l;
      if (r < h.length && this.less(h[r]!, h[smallest]!)) smallest = r;
      if (smallest === i) return;
      [h[i], h[smallest]] = [h[smallest]!, h[i]!];
      i = smallest;
    }
  }
}
