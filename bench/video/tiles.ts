import type { TileEvent } from './probe.js';

export interface FirstFrame {
  ms: number;
  camera: string;
  /** A tile's player starting on a camera, or one starting again after an error or a freeze. */
  kind: 'start' | 'retry';
}

interface Slot {
  camera: string | null;
  state: string | null;
  since: number;
  /** The state the tile was in before it last started playing. */
  before: string | null;
  stalls: number;
  /** When the slot was handed a new camera and has not played it yet. */
  changedAt?: number;
}

/**
 * Folds one page's tile attribute changes (bench/video/probe.ts) into the figures: every first
 * frame, stalls, the time each tile spent playing, reconnections, and how long a push took from
 * the tiles changing camera to all of them playing.
 */
export class TileLog {
  readonly firstFrames: FirstFrame[] = [];
  stalls = 0;
  reconnects = 0;
  offline = 0;
  private playingMs = 0;
  private readonly slots = new Map<number, Slot>();
  /** Per group of slots that changed camera at the same instant: slot → ms to playing. */
  private readonly changes = new Map<number, Map<number, number | undefined>>();
  private last = 0;

  add(events: TileEvent[]): void {
    for (const e of events) {
      this.last = Math.max(this.last, e.t);
      let s = this.slots.get(e.slot);
      if (!s) {
        s = { camera: null, state: null, since: e.t, before: null, stalls: 0 };
        this.slots.set(e.slot, s);
      }
      if (e.attr === 'data-camera') {
        if (e.value !== s.camera && e.value) {
          s.changedAt = e.t;
          const group = this.changes.get(e.t) ?? new Map<number, number | undefined>();
          group.set(e.slot, undefined);
          this.changes.set(e.t, group);
        }
        s.camera = e.value;
      } else if (e.attr === 'data-state') {
        if (s.state === 'playing') this.playingMs += e.t - s.since;
        if (e.value !== 'playing') s.before = e.value;
        if (e.value === 'reconnecting' && s.state !== 'reconnecting') this.reconnects++;
        if (e.value === 'offline' && s.state !== 'offline') this.offline++;
        if (e.value === 'playing' && s.changedAt !== undefined) {
          this.changes.get(s.changedAt)?.set(e.slot, e.t - s.changedAt);
          s.changedAt = undefined;
        }
        s.state = e.value;
        s.since = e.t;
      } else if (e.attr === 'data-first-frame-ms') {
        if (e.value !== null && e.camera)
          this.firstFrames.push({
            ms: Number(e.value),
            camera: e.camera,
            kind: s.before === 'connecting' || s.before === null ? 'start' : 'retry',
          });
      } else if (e.attr === 'data-stalls') {
        const n = Number(e.value ?? 0);
        if (n > s.stalls) this.stalls += n - s.stalls;
        s.stalls = n;
      }
    }
  }

  /** Tile-seconds spent playing up to the page time `now`. */
  playingSeconds(now = this.last): number {
    let ms = this.playingMs;
    for (const s of this.slots.values()) if (s.state === 'playing') ms += now - s.since;
    return ms / 1000;
  }

  /**
   * For each moment several tiles changed camera at once (a push, or the page's first cameras):
   * how many tiles, how many played, and the time until the last of them played.
   */
  pushes(): { at: number; tiles: number; played: number; allPlayingMs?: number }[] {
    return [...this.changes]
      .sort((a, b) => a[0] - b[0])
      .map(([at, group]) => {
        const times = [...group.values()];
        const played = times.filter((x): x is number => x !== undefined);
        return {
          at,
          tiles: times.length,
          played: played.length,
          allPlayingMs: played.length === times.length ? Math.max(...played) : undefined,
        };
      });
  }
}
