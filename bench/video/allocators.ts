import type { Cdp } from './bare-chromium.js';

/** Megabytes per allocator ("partition_alloc/partitions/buffer", "blink_gc", "media"…). */
export type AllocatorSizes = Map<string, number>;

/**
 * Chromium's own account of one process's memory, by allocator, from a memory-infra dump
 * (the numbers chrome://tracing shows): where a renderer's growth sits, which RSS cannot say.
 * Tracing runs only for the dump, with every other category off.
 */
export async function dumpAllocators(browser: Cdp, pid: number): Promise<AllocatorSizes> {
  const events: unknown[] = [];
  const collect = (e: { value: unknown[] }) => events.push(...e.value);
  let done!: () => void;
  const complete = new Promise<void>((r) => (done = r));
  const completed = () => done();
  browser.on('Tracing.dataCollected', collect);
  browser.on('Tracing.tracingComplete', completed);
  try {
    await browser.send('Tracing.start', {
      transferMode: 'ReportEvents',
      traceConfig: {
        includedCategories: ['disabled-by-default-memory-infra'],
        excludedCategories: ['*'],
        // No periodic dumps, only the one asked for (the protocol types this as a string map).
        memoryDumpConfig: { triggers: [] } as unknown as Record<string, string>,
      },
    });
    try {
      const { success } = await browser.send('Tracing.requestMemoryDump', {
        deterministic: false,
        levelOfDetail: 'detailed',
      });
      if (!success) throw new Error('Chromium could not take a memory dump');
    } finally {
      await browser.send('Tracing.end');
      await complete;
    }
  } finally {
    browser.off('Tracing.dataCollected', collect);
    browser.off('Tracing.tracingComplete', completed);
  }
  const sizes: AllocatorSizes = new Map();
  for (const e of events as DumpEvent[]) {
    if (e.ph !== 'v' || e.pid !== pid || !e.args?.dumps?.allocators) continue;
    for (const [name, a] of Object.entries(e.args.dumps.allocators)) {
      const size = a.attrs?.size?.value;
      // Top two levels: "blink_gc/main", not every heap arena or shared-memory guid.
      if (size !== undefined && name.split('/').length <= 2)
        sizes.set(name, parseInt(size, 16) / 2 ** 20);
    }
  }
  return sizes;
}

/** The allocators that changed most between two dumps, largest change first. */
export function allocatorGrowth(
  before: AllocatorSizes,
  after: AllocatorSizes,
  top = 6,
): { name: string; before: number; after: number }[] {
  return [...after.keys()]
    .filter((name) => !name.startsWith('global') && !name.startsWith('shared_memory/'))
    .map((name) => ({ name, before: before.get(name) ?? 0, after: after.get(name)! }))
    .sort((a, b) => Math.abs(b.after - b.before) - Math.abs(a.after - a.before))
    .slice(0, top);
}

interface DumpEvent {
  ph: string;
  pid: number;
  args?: { dumps?: { allocators?: Record<string, { attrs?: { size?: { value: string } } }> } };
}
