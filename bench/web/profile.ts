/** The parts of a V8 CPU profile (CDP `Profiler.stop`) read here. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileLine {
  what: string;
  ms: number;
  pct: number;
}

/**
 * Where a page's main thread spent a phase: inclusive time per function (each function counted
 * once per sample however deep it recurses), busiest first, idle and the root left out. With
 * `--unminified` the names read as in the sources.
 */
export function summarizeProfile(
  profile: CpuProfile,
  top = 20,
): { busyMs: number; wallMs: number; lines: ProfileLine[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (id: number) => {
    const f = byId.get(id)!.callFrame;
    const file = f.url.replace(/^.*\//, '');
    return file ? `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}` : f.functionName;
  };
  const perNode = new Map<number, number>();
  let wall = 0;
  (profile.samples ?? []).forEach((id, i) => {
    const dt = profile.timeDeltas?.[i] ?? 0;
    wall += dt;
    perNode.set(id, (perNode.get(id) ?? 0) + dt);
  });
  const total = new Map<string, number>();
  let idle = 0;
  for (const [id, dt] of perNode) {
    if (key(id) === '(idle)') {
      idle += dt;
      continue;
    }
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = key(at);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + dt);
    }
  }
  total.delete('(root)');
  const busy = wall - idle;
  return {
    busyMs: busy / 1000,
    wallMs: wall / 1000,
    lines: [...total]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([what, us]) => ({ what, ms: us / 1000, pct: (us / Math.max(1, busy)) * 100 })),
  };
}
