import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second for /proc/<pid>/stat times (almost always 100 on Linux). */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU seconds a process has used so far (all its threads). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may contain spaces: split after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of the full line (utime, stime) are 11 and 12 after the name.
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Resident set size in MiB. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : NaN;
}

/** Samples a process's RSS every `everyMs` and keeps the peak; CPU is read on demand. */
export class ProcessWatch {
  peakRssMiB = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly pid: number,
    everyMs = 200,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  /** Restarts the peak (e.g. at the start of the measured window). */
  resetPeak(): void {
    this.peakRssMiB = 0;
    this.sample();
  }

  cpu(): number {
    try {
      return cpuSeconds(this.pid);
    } catch {
      return NaN;
    }
  }

  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }

  private sample(): void {
    try {
      this.peakRssMiB = Math.max(this.peakRssMiB, rssMiB(this.pid));
    } catch {
      // The process has gone; keep the peak seen.
    }
  }
}

/** Machine-wide CPU seconds (all cores) from /proc/stat: busy, and the part in softirq/steal. */
export function machineCpu(): { busy: number; softirq: number; steal: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const [user, nice, system, , , irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number) as number[];
  return {
    busy: (user! + nice! + system! + irq! + softirq! + (steal ?? 0)) / CLK_TCK,
    softirq: softirq! / CLK_TCK,
    steal: (steal ?? 0) / CLK_TCK,
  };
}

/** CPU seconds so far of every process on the machine, with its command line. */
export function allProcesses(): Map<number, { cpu: number; name: string }> {
  const out = new Map<number, { cpu: number; name: string }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const cpu = cpuSeconds(pid);
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      out.set(pid, { cpu, name: cmd || `[${pid}]` });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The processes (not in `exclude`) that used the most CPU between two `allProcesses` calls. */
export function topOthers(
  before: Map<number, { cpu: number; name: string }>,
  after: Map<number, { cpu: number; name: string }>,
  exclude: Set<number>,
  n = 3,
): { pid: number; name: string; seconds: number }[] {
  const rows: { pid: number; name: string; seconds: number }[] = [];
  for (const [pid, a] of after) {
    if (exclude.has(pid)) continue;
    const seconds = a.cpu - (before.get(pid)?.cpu ?? 0);
    if (seconds > 0) rows.push({ pid, name: a.name, seconds });
  }
  return rows.sort((x, y) => y.seconds - x.seconds).slice(0, n);
}

/** This process and its ancestors (npm, tsx), so they do not count as "other load". */
export function selfAndAncestors(): Set<number> {
  const out = new Set<number>();
  for (let pid = process.pid; pid > 1 && !out.has(pid);) {
    out.add(pid);
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      break;
    }
  }
  return out;
}
