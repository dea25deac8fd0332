/**
 * Pending deadlines by incident, earliest first: a binary min-heap with each incident's place
 * in it indexed, so a deadline that moves or goes away costs O(log n), not a rescan.
 */
export class DeadlineHeap {
  private readonly ids: string[] = [];
  private readonly due: number[] = [];
  private readonly place = new Map<string, number>();

  /** The earliest deadline (epoch ms), or Infinity when there is none. */
  get earliest(): number {
    return this.due[0] ?? Infinity;
  }

  /** Sets an incident's deadline, or moves it. */
  set(id: string, dueAt: number): void {
    const i = this.place.get(id);
    if (i === undefined) {
      this.ids.push(id);
      this.due.push(dueAt);
      this.place.set(id, this.ids.length - 1);
      this.up(this.ids.length - 1);
    } else {
      const before = this.due[i]!;
      this.due[i] = dueAt;
      if (dueAt < before) this.up(i);
      else this.down(i);
    }
  }

  delete(id: string): void {
    const i = this.place.get(id);
    if (i === undefined) return;
    this.place.delete(id);
    const lastId = this.ids.pop()!;
    const lastDue = this.due.pop()!;
    if (i === this.ids.length) return;
    this.ids[i] = lastId;
    this.due[i] = lastDue;
    this.place.set(lastId, i);
    this.up(i);
    this.down(i);
  }

  /** Takes out the incident with the earliest deadline if that deadline is at or before `now`. */
  popDue(now: number): string | undefined {
    if (!(this.earliest <= now)) return undefined;
    const id = this.ids[0]!;
    this.delete(id);
    return id;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.due[parent]! <= this.due[i]!) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < this.ids.length && this.due[left]! < this.due[least]!) least = left;
      if (right < this.ids.length && this.due[right]! < this.due[least]!) least = right;
      if (least === i) return;
      this.swap(i, least);
      i = least;
    }
  }

  private swap(a: number, b: number): void {
    const id = this.ids[a]!;
    const due = this.due[a]!;
    this.ids[a] = this.ids[b]!;
    this.due[a] = this.due[b]!;
    this.ids[b] = id;
    this.due[b] = due;
    this.place.set(this.ids[a]!, a);
    this.place.set(id, b);
  }
}
