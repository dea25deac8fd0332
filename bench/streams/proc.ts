import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces; fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/** A process and its children (nginx's master and workers). */
export function withChildren(pid: number): number[] {
  const pids = [pid];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) pids.push(Number(entry));
    } catch {
      // gone while we looked
    }
  }
  return pids;
}

/**
 * CPU (percent of one core) and peak RSS of a set of processes over a stretch of time. The set is
 * asked for afresh at each sample, since nginx starts and ends helper processes as it goes; a
 * process that ended counts with the CPU it had when last seen.
 */
export class Usage {
  private readonly startedAt = performance.now();
  private readonly startCpu = new Map<number, number>();
  private readonly lastCpu = new Map<number, number>();
  private peakRss = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pids: () => number[]) {
    this.sample();
    for (const [pid, cpu] of this.lastCpu) this.startCpu.set(pid, cpu);
    this.timer = setInterval(() => this.sample(), 500);
  }

  stop(): { cpuPercent: number; rssMb: number } {
    clearInterval(this.timer);
    this.sample();
    const seconds = (performance.now() - this.startedAt) / 1000;
    let used = 0;
    for (const [pid, cpu] of this.lastCpu) used += cpu - (this.startCpu.get(pid) ?? 0);
    return { cpuPercent: (used / seconds) * 100, rssMb: this.peakRss / 2 ** 20 };
  }

  private sample(): void {
    let rss = 0;
    for (const pid of this.pids()) {
      try {
        this.lastCpu.set(pid, cpuSeconds(pid));
        rss += rssBytes(pid);
      } catch {
        // ended between listing and reading
      }
    }
    this.peakRss = Math.max(this.peakRss, rss);
  }
}
