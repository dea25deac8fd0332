import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsConfigSchema } from '../../server/streams/config.js';
import { waitFor } from '../support/server.js';
import { cityCameras, startHarness, type Harness } from './harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const DEMO_ORIGIN_AUTH = `Basic ${Buffer.from('nvr:citybrain-nvr-demo').toString('base64')}`;

function admin(h: Harness, cameraId: string, state: string, auth = DEMO_ORIGIN_AUTH) {
  return fetch(`${h.streams.origin!.url}/admin/cameras/${cameraId}/${state}`, {
    method: 'POST',
    headers: auth ? { authorization: auth } : {},
  });
}

const statusesOf = (h: Harness, id: string) =>
  h.reported.filter((r) => r.cameraId === id).map((r) => r.status);

describe('camera health', () => {
  it('shows a camera taken offline at the origin as offline within seconds, and its recovery', async () => {
    harness = await startHarness({ cameras: cityCameras().slice(0, 6) });
    const h = harness;
    const id = cityCameras()[3]!.id;
    const url = await h.streamUrl(id);
    expect((await fetch(url)).status).toBe(200);

    expect((await admin(h, id, 'offline', '')).status).toBe(401);
    expect((await admin(h, id, 'offline')).status).toBe(204);
    const down = Date.now();
    await waitFor(() => statusesOf(h, id).includes('offline'), 8_000, 'offline');
    expect(Date.now() - down).toBeLessThan(5_000);
    const res = await fetch(url);
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({
      error: { code: 'upstream_failed', message: 'camera upstream answered 503' },
    });

    expect((await admin(h, id, 'online')).status).toBe(204);
    await waitFor(() => statusesOf(h, id).at(-1) === 'online', 8_000, 'online again');
    expect((await fetch(url)).status).toBe(200);

    // Frozen: the origin still answers, but its media sequence no longer rises.
    expect((await admin(h, id, 'stale')).status).toBe(204);
    await waitFor(() => statusesOf(h, id).at(-1) === 'stale', 12_000, 'stale');
    expect((await admin(h, id, 'online')).status).toBe(204);
    await waitFor(() => statusesOf(h, id).at(-1) === 'online', 8_000, 'moving again');
    expect(statusesOf(h, id)).toEqual(['offline', 'online', 'stale', 'online']);
    // The other cameras never changed.
    expect(h.reported.every((r) => r.cameraId === id)).toBe(true);
  }, 40_000);

  it('watches all 648 cameras within one interval, starting from their known status', async () => {
    const cameras = cityCameras().map((c, i) => ({
      ...c,
      status: i === 7 ? ('offline' as const) : ('online' as const),
    }));
    const [, , down, , , , , backUp] = cameras.map((c) => c.id) as string[];
    harness = await startHarness({
      cameras,
      config: {
        health: { intervalSeconds: 10, concurrency: 8, timeoutMs: 3_000 },
        demoOrigin: { ...StreamsConfigSchema.parse({}).demoOrigin, port: 0, offline: [down!] },
      },
    });
    const h = harness;
    // The metrics render asynchronously (prom-client), so this waits in a loop of its own.
    const probes = async () =>
      Number(
        /citybrain_stream_upstream_requests_total\{kind="playlist"\} (\d+)/.exec(
          await h.metrics.render(),
        )?.[1] ?? 0,
      );
    const until = Date.now() + 12_000;
    while ((await probes()) < 648) {
      if (Date.now() > until) throw new Error('timed out waiting for a probe of every camera');
      await new Promise((r) => setTimeout(r, 10));
    }
    await waitFor(() => h.reported.length >= 2, 3_000, 'two changes');
    expect(h.reported).toEqual(
      expect.arrayContaining([
        { cameraId: down, status: 'offline' },
        { cameraId: backUp, status: 'online' },
      ]),
    );
    expect(h.reported).toHaveLength(2);
  }, 30_000);

  it('reads a master playlist once, then probes its variant alone, and the master again after a failure', async () => {
    // An NVR whose entry is a master playlist; its variant fails once, on request.
    const asked: string[] = [];
    let failVariant = false;
    const nvr = createServer((req, res) => {
      asked.push(req.url!);
      const playlist = (body: string) =>
        res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' }).end(body);
      if (req.url === '/cam/index.m3u8') {
        return playlist('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nmain/index.m3u8\n');
      }
      if (req.url === '/cam/main/index.m3u8' && !failVariant) {
        const msn = Math.floor(Date.now() / 1000);
        return playlist(
          `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:${msn}\n#EXTINF:1,\ns${msn}.ts\n`,
        );
      }
      failVariant = false;
      res.writeHead(503).end();
    });
    await new Promise<void>((r) => nvr.listen(0, '127.0.0.1', r));
    try {
      const camera = { ...cityCameras()[0]!, status: 'online' as const };
      const { port } = nvr.address() as AddressInfo;
      harness = await startHarness({
        cameras: [camera],
        config: { health: { intervalSeconds: 1, concurrency: 1, timeoutMs: 1_000 } },
        registry: { cameras: [{ id: camera.id, hls: `http://127.0.0.1:${port}/cam/index.m3u8` }] },
      });
      const masters = () => asked.filter((u) => u === '/cam/index.m3u8').length;
      const variants = () => asked.filter((u) => u === '/cam/main/index.m3u8').length;
      await waitFor(() => variants() >= 4, 10_000, 'four probes of the variant');
      expect(masters()).toBe(1);

      failVariant = true;
      await waitFor(() => masters() === 2, 10_000, 'the master read again after a failure');
      await waitFor(() => variants() >= 7, 10_000, 'the variant probed again');
      expect(masters()).toBe(2);
      // One failure is a blip, not an outage.
      expect(harness.reported).toEqual([]);
    } finally {
      nvr.closeAllConnections();
      await new Promise((r) => nvr.close(r));
    }
  }, 40_000);
});
