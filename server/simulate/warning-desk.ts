import type { Actor, Warning } from '../../shared/index.js';
import type { Clock } from '../live/clock.js';
import { SIM_DUTY } from './handling.js';
import type { Random } from './random.js';

/** What the simulated officer needs of the warnings: the calls the REST routes make. */
export interface Warnings {
  current(): Warning[];
  acknowledge(id: string, actor: Actor, note: string | undefined): Promise<Warning>;
  resolve(id: string, actor: Actor, note: string): Promise<Warning>;
}

const LOOK_EVERY_MS = 5_000;
/** Simulated minutes from a warning to its acknowledgement, and from that to its end. */
const ACK_MINUTES = [0.5, 3] as const;
const RESOLVE_MINUTES = [20, 90] as const;
/** The rules whose warnings end with their cause; the officer leaves those to the server. */
const ENDS_BY_ITSELF = new Set<Warning['rule']>([
  'group-risk',
  'key-camera-offline',
  'department-overdue',
]);
const ACK_NOTES = ['已通知属地核查', '已调度网格员前往', '已通知属地综治中心跟进'];
const RESOLVE_NOTES = ['已组织联合调解，矛盾化解', '属地已落实整改，恢复正常', '已核实处置完毕'];

/**
 * The demo's duty officer at the warnings list: acknowledges each warning within a few simulated
 * minutes, and ends the ones no cause will end (repeat matters, a grid's surge) once they have
 * been dealt with, so the demo's list moves as a staffed centre's does.
 */
export function startWarningDesk(deps: {
  warnings: Warnings;
  clock: Clock;
  rng: Random;
  timeScale: number;
  log: (line: string) => void;
}): { stop(): void } {
  const due = new Map<string, number>();
  const draw = ([lo, hi]: readonly [number, number]) =>
    ((lo + deps.rng() * (hi - lo)) * 60_000) / deps.timeScale;
  const pick = (notes: string[]) => notes[Math.floor(deps.rng() * notes.length)]!;
  let busy = false;

  const look = async () => {
    if (busy) return;
    busy = true;
    const now = deps.clock().getTime();
    try {
      for (const w of deps.warnings.current()) {
        const changedAt = Date.parse(w.updatedAt);
        if (w.state === 'open') {
          const at = due.get(w.id) ?? changedAt + draw(ACK_MINUTES);
          due.set(w.id, at);
          if (at <= now) {
            due.delete(w.id);
            await deps.warnings.acknowledge(w.id, SIM_DUTY, pick(ACK_NOTES));
          }
        } else if (!ENDS_BY_ITSELF.has(w.rule)) {
          const at = due.get(w.id) ?? Date.parse(w.acknowledged!.at) + draw(RESOLVE_MINUTES);
          due.set(w.id, at);
          if (at <= now) {
            due.delete(w.id);
            await deps.warnings.resolve(w.id, SIM_DUTY, pick(RESOLVE_NOTES));
          }
        }
      }
    } catch (err) {
      // Someone at a real desk acted first (409), or the server is stopping.
      const status = (err as { status?: number }).status;
      if (status !== 409) deps.log(`simulated warning desk: ${(err as Error).message}`);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void look(), LOOK_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
