import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds by process from /proc, to say who used the machine during a phase. */
interface Proc {
  pid: number;
  ppid: number;
  name: string;
  cpuS: number;
}

const TICK = 100; // USER_HZ on Linux

function read(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const name = stat.slice(stat.indexOf('(') + 1, close);
    const f = stat.slice(close + 2).split(' ');
    return { pid, ppid: Number(f[1]), name, cpuS: (Number(f[11]) + Number(f[12])) / TICK };
  } catch {
    return undefined;
  }
}

function all(): Map<number, Proc> {
  const out = new Map<number, Proc>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const p = read(Number(d));
    if (p) out.set(p.pid, p);
  }
  return out;
}

/** What a Chromium process is, from its command line: gpu, renderer, utility… or browser. */
function role(pid: number): string {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const type = /--type=([\w-]+)/.exec(cmd)?.[1];
    return type ? type.replace('-process', '') : 'browser';
  } catch {
    return 'gone';
  }
}

export interface CpuSplit {
  /** % of one core, over the window. */
  node: number;
  renderer: number;
  gpu: number;
  chromiumOther: number;
  /** Everything on the machine outside this process tree (other jobs). */
  others: number;
  seconds: number;
}

/** Samples the machine; `since()` answers the CPU used by each party since the sample. */
export class CpuWatch {
  private readonly t0 = performance.now();
  private readonly before = all();

  since(): CpuSplit {
    const after = all();
    const seconds = (performance.now() - this.t0) / 1000;
    const mine = new Set<number>([process.pid]);
    // Descendants of this process: Chromium and its helpers.
    let grew = true;
    while (grew) {
      grew = false;
      for (const p of after.values())
        if (!mine.has(p.pid) && mine.has(p.ppid)) {
          mine.add(p.pid);
          grew = true;
        }
    }
    const split: CpuSplit = {
      node: 0,
      renderer: 0,
      gpu: 0,
      chromiumOther: 0,
      others: 0,
      seconds,
    };
    for (const p of after.values()) {
      const used = p.cpuS - (this.before.get(p.pid)?.cpuS ?? 0);
      if (used <= 0) continue;
      const pct = (used / seconds) * 100;
      if (p.pid === process.pid) split.node += pct;
      else if (!mine.has(p.pid)) split.others += pct;
      else {
        const r = role(p.pid);
        if (r === 'renderer') split.renderer += pct;
        else if (r === 'gpu') split.gpu += pct;
        else split.chromiumOther += pct;
      }
    }
    return split;
  }
}
