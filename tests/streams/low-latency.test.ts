// Low-Latency HLS through the real forwarder from the demo origin, which cuts its streams as
// MediaMTX does: parts listed and hinted, blocking playlist reloads held until the part exists,
// and one upstream request per part however many viewers wait for it.
import HLS from 'hls-parser';
import type { MediaPlaylist } from 'hls-parser/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoOrigin } from '../../server/streams/demo-origin.js';
import { cityCameras, startHarness, startOrigin, type Harness } from './harness.js';

const CAMERAS = cityCameras().slice(0, 2);
let harness: Harness;
let origin: DemoOrigin;
let requests: Map<string, number>;

beforeAll(async () => {
  HLS.setOptions({ strictMode: true, silent: true });
  const o = await startOrigin(CAMERAS.map((c) => c.id));
  ({ origin, requests } = o);
  harness = await startHarness({
    cameras: CAMERAS,
    registry: { template: { ...o.registry.template!, lowLatency: true } },
  });
});
afterAll(async () => {
  await harness.stop();
  await origin.stop();
});

async function playlist(url: string) {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, parsed: HLS.parse(text) as MediaPlaylist };
}

/** The part the playlist hints at: its URL, and its parent segment's number and index. */
function hinted(url: string, text: string) {
  const uri = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="([^"]+)"/.exec(text)![1]!;
  return new URL(uri, url).href;
}

describe('Low-Latency HLS through the forwarder', () => {
  it('lists parts of 0.4 s with a preload hint and offers blocking reloads, all pointing back at us', async () => {
    const url = await harness.streamUrl(CAMERAS[0]!.id);
    const { text, parsed } = await playlist(url);
    expect(parsed.lowLatencyCompatibility?.canBlockReload).toBe(true);
    expect(parsed.partTargetDuration).toBe(0.4);
    const parts = parsed.segments.flatMap((s) => s.parts);
    // Two whole segments of a second: parts of 0.4, 0.4 and 0.2 s each.
    expect(parts.length).toBeGreaterThanOrEqual(6);
    expect(parts.filter((p) => !p.hint).every((p) => p.duration! <= 0.4)).toBe(true);
    for (const uri of [...parts.map((p) => p.uri), hinted(url, text)]) {
      const abs = new URL(uri, url);
      expect(abs.origin).toBe(harness.url);
      expect(abs.pathname).toMatch(/^\/streams\/[^/]+\/[A-Za-z0-9_-]+\.m4s$/);
    }
    const part = await fetch(new URL(parts.find((p) => !p.hint)!.uri, url));
    expect(part.status).toBe(200);
    expect(Buffer.from(await part.arrayBuffer()).toString('latin1', 4, 8)).toBe('moof');
  });

  it('holds a blocking reload until the next part exists, then lists it', async () => {
    const url = await harness.streamUrl(CAMERAS[0]!.id);
    const { text, parsed } = await playlist(url);
    const last = parsed.segments.at(-1)!;
    // The next part: the hinted one, whose number the playlist tells by counting.
    const msn = last.mediaSequenceNumber;
    const done = last.parts.filter((p) => !p.hint).length;
    const next = new URL(url);
    next.searchParams.set('_HLS_msn', String(msn));
    next.searchParams.set('_HLS_part', String(done));
    const hint = hinted(url, text);
    const answered = await playlist(next.href);
    const segment = answered.parsed.segments.find((s) => s.mediaSequenceNumber === msn);
    // Either the part is listed in its segment, or the segment is complete.
    expect(
      (segment?.parts.filter((p) => !p.hint).length ?? 0) > done || Boolean(segment?.uri),
    ).toBe(true);
    // The part hinted before is now a listed part or inside a listed segment, and it plays.
    const res = await fetch(hint);
    expect(res.status).toBe(200);
  });

  it('asks upstream once for a part twenty viewers wait for at once', async () => {
    const camera = CAMERAS[1]!.id;
    const urls = await Promise.all(Array.from({ length: 20 }, () => harness.streamUrl(camera)));
    const first = await playlist(urls[0]!);
    const hintPath = new URL(hinted(urls[0]!, first.text)).pathname;
    const before = new Map(requests);
    // Every viewer's own copy of the playlist names the same part: ask for it all at once.
    const hints = await Promise.all(urls.map(async (u) => hinted(u, (await playlist(u)).text)));
    expect(hints.every((h) => new URL(h).pathname === hintPath)).toBe(true);
    const bodies = await Promise.all(
      hints.map(async (h) => {
        const res = await fetch(h);
        expect(res.status).toBe(200);
        return Buffer.from(await res.arrayBuffer());
      }),
    );
    expect(bodies.every((b) => b.equals(bodies[0]!))).toBe(true);
    const fetched = [...requests]
      .filter(([path]) => /\/\d+\.\d+\.m4s$/.test(path) && path.includes(`/cam/${camera}/`))
      .map(([path, n]) => [path, n - (before.get(path) ?? 0)] as const)
      .filter(([, n]) => n > 0);
    expect(fetched).toHaveLength(1);
    expect(fetched[0]![1]).toBe(1);
  });
});
