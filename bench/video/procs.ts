import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { Cdp } from './bare-chromium.js';

/** One Chromium process of one browser, as CDP SystemInfo.getProcessInfo names it. */
export interface ChromiumProcess {
  pid: number;
  type: string;
}

export interface ProcMemory {
  /** Resident set, shared pages (the Chromium binary, fonts…) included. */
  rssMB: number;
  /** Proportional set: shared pages split between the processes that map them. */
  pssMB: number;
  /** Pages only this process maps (private clean + dirty): what it would give back on exit. */
  privateMB: number;
  swapMB: number;
}

export interface BrowserMemory {
  /** The page's renderer (the largest non-WebUI renderer of a browser holding one page). */
  renderer: ProcMemory;
  /** Its process id (0 when none was found). */
  rendererPid: number;
  /** Renderers of the browser other than Chromium's own WebUI ones: 1 when only the page's. */
  renderers: number;
  gpu: ProcMemory;
  /** All the browser's processes. */
  total: ProcMemory;
}

const ZERO: ProcMemory = { rssMB: 0, pssMB: 0, privateMB: 0, swapMB: 0 };

function readMemory(pid: number): ProcMemory | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
    return {
      rssMB: kb('Rss') / 1024,
      pssMB: kb('Pss') / 1024,
      privateMB: (kb('Private_Clean') + kb('Private_Dirty')) / 1024,
      swapMB: kb('Swap') / 1024,
    };
  } catch {
    return undefined;
  }
}

const add = (a: ProcMemory, b: ProcMemory): ProcMemory => ({
  rssMB: a.rssMB + b.rssMB,
  pssMB: a.pssMB + b.pssMB,
  privateMB: a.privateMB + b.privateMB,
  swapMB: a.swapMB + b.swapMB,
});

function isWebUi(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--top-chrome-webui');
  } catch {
    return false;
  }
}

function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/** The processes of one browser, their memory and CPU, and its TCP connections to one port. */
export class BrowserProcs {
  /** `browser`: the browser target's DevTools channel. */
  constructor(readonly browser: Cdp) {}

  async processes(): Promise<ChromiumProcess[]> {
    const info = (await this.browser.send('SystemInfo.getProcessInfo')) as {
      processInfo: { type: string; id: number }[];
    };
    return info.processInfo.map((p) => ({ pid: p.id, type: p.type }));
  }

  async memory(): Promise<BrowserMemory> {
    const procs = await this.processes();
    let total = ZERO;
    let gpu = ZERO;
    const renderers: (ProcMemory & { pid: number })[] = [];
    for (const p of procs) {
      const m = readMemory(p.pid);
      if (!m) continue;
      total = add(total, m);
      // Chromium's own WebUI renderers (headless keeps two) are not the page's.
      if (p.type === 'renderer' && !isWebUi(p.pid)) renderers.push({ ...m, pid: p.pid });
      if (p.type.toLowerCase() === 'gpu') gpu = add(gpu, m);
    }
    renderers.sort((a, b) => b.rssMB - a.rssMB);
    const [page] = renderers;
    return {
      renderer: page ?? ZERO,
      rendererPid: page?.pid ?? 0,
      renderers: renderers.length,
      gpu,
      total,
    };
  }

  /** CPU seconds used so far, by process type. */
  async cpu(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const p of await this.processes()) out[p.type] = (out[p.type] ?? 0) + cpuSeconds(p.pid);
    return out;
  }

  /**
   * TCP connections from this browser to 127.0.0.1:port that are open right now (established or
   * being opened), from /proc/net/tcp and the browser's file descriptors: what the kernel sees,
   * whatever Chromium says about itself.
   */
  async connectionsTo(port: number): Promise<number> {
    const open = new Set<string>();
    const hex = port.toString(16).toUpperCase().padStart(4, '0');
    for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const [, , remote, st, , , , , , inode] = f;
      if (remote!.endsWith(`:${hex}`) && (st === '01' || st === '02')) open.add(inode!);
    }
    if (!open.size) return 0;
    let mine = 0;
    for (const p of await this.processes()) {
      // The network service: a utility process named after its interface, or the browser itself.
      if (p.type !== 'browser' && !p.type.startsWith('network')) continue;
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${p.pid}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${p.pid}/fd/${fd}`));
          if (m && open.has(m[1]!)) mine++;
        } catch {
          // closed meanwhile
        }
      }
    }
    return mine;
  }
}
