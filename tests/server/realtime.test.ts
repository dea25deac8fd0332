import { Socket } from 'node:net';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  demoCity,
  LiveClient,
  login,
  postReport,
  report,
  startTestServer,
  waitFor,
  type TestServer,
} from '../support/server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('real-time fan-out', () => {
  it('sends a snapshot stamped with a sequence number, then each change as an ordered delta', async () => {
    server = await startTestServer();
    const client = new LiveClient(server.url, await login(server.url, 'leader'));
    await client.ready();
    const snapshot = client.snapshots[0]!;
    expect(snapshot.kpis.camerasTotal).toBe(648);
    expect(snapshot.cameras).toHaveLength(648);
    const res = await postReport(server.url, report());
    await waitFor(() =>
      client.received.some((d) => d.type === 'incident' && d.incident.id === res.body.incidentId),
    );
    expect(client.received[0]!.seq).toBe(snapshot.seq + 1);
    await waitFor(() => (client.kpis?.intake ?? 0) >= 1, 3000, 'KPIs');
    expect(client.kpis!.open).toBeGreaterThanOrEqual(1);
    client.close();
  });

  it('gives a client that was away for 10 s exactly the 1,000 events it missed, in order', async () => {
    server = await startTestServer();
    const token = await login(server.url, 'duty');
    const client = new LiveClient(server.url, token);
    await client.ready();
    const before = client.cursor.lastSeq!;
    client.socket.disconnect();

    const posting = (async () => {
      // 1,000 distinct incidents over about 10 s, in batches, while the client is away.
      for (let b = 0; b < 20; b++) {
        const reports = Array.from({ length: 50 }, (_, i) => spreadReport(b * 50 + i));
        await fetch(`${server!.url}/api/v1/reports/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer demo-ingest-key' },
          body: JSON.stringify({ reports }),
        });
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    await posting;
    client.socket.connect();
    await waitFor(() => client.received.length >= 1000, 15_000, '1,000 deltas');
    expect(client.errors).toEqual([]);
    expect(client.snapshots).toHaveLength(1); // resumed, not re-snapshotted
    expect(client.received.map((d) => d.seq)).toEqual(
      Array.from({ length: 1000 }, (_, i) => before + 1 + i),
    );
    client.close();
  });

  it('refuses a screen built for another wire form, telling it to reload', async () => {
    server = await startTestServer();
    const token = await login(server.url, 'operator');
    const old = io(server.url, { transports: ['websocket'], auth: { token }, reconnection: false });
    const error = await new Promise<Error>((resolve) => old.once('connect_error', resolve));
    expect(error.message).toMatch(/^outdated: .*reload/);
    old.close();
  });

  it('holds back a screen that stops reading, without dropping it, and then brings it up to date', async () => {
    server = await startTestServer();
    const token = await login(server.url, 'leader');
    const quick = new LiveClient(server.url, token);
    const frozen = new LiveClient(server.url, token);
    await Promise.all([quick.ready(), frozen.ready()]);
    // A frozen screen: its TCP socket stops reading, so what the server writes piles up.
    const tcp = (frozen.socket.io.engine.transport as unknown as { ws: { _socket: Socket } }).ws
      ._socket;
    expect(tcp).toBeInstanceOf(Socket);
    tcp.pause();
    // Enough to fill the kernel's buffers: patrol positions of about 1 MB, as the simulator sends.
    const patrols = Array.from({ length: 12_000 }, (_, i) => ({
      id: `p-${i}`,
      position: [113 + i / 1e5, 23] as [number, number],
      heading: i % 360,
      status: 'patrolling' as const,
    }));
    for (let i = 0; i < 80; i++) {
      server.hub.setPatrols(patrols);
      await new Promise((r) => setTimeout(r, 10)); // the quick screen reads as they come
    }
    const post = (from: number) =>
      fetch(`${server!.url}/api/v1/reports/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer demo-ingest-key' },
        body: JSON.stringify({
          reports: Array.from({ length: 50 }, (_, i) => spreadReport(from + i)),
        }),
      });
    await post(0);
    // Only the frozen screen is held back; the quick one stays on the live stream.
    for (let tries = 0; (await heldBack(server.url)) !== 1; tries++) {
      if (tries > 50) throw new Error('not exactly one screen held back');
      await new Promise((r) => setTimeout(r, 100));
    }
    await post(50);
    await waitFor(() => quick.received.length >= 100, 5_000, 'the quick screen up to date');

    tcp.resume();
    await waitFor(() => frozen.received.length >= 100, 10_000, 'the frozen screen caught up');
    await new Promise((r) => setTimeout(r, 300));
    expect(frozen.received.map((d) => d.seq)).toEqual(quick.received.map((d) => d.seq));
    expect(frozen.snapshots).toHaveLength(1); // caught up, not dropped and re-snapshotted
    expect(frozen.errors).toEqual([]);
    expect(frozen.socket.connected).toBe(true);
    expect(await heldBack(server.url)).toBe(0);
    quick.close();
    frozen.close();
  });

  it('brings many clients back at once, each exactly from where it left off', async () => {
    server = await startTestServer();
    const token = await login(server.url, 'leader');
    const post = (from: number, n: number) =>
      fetch(`${server!.url}/api/v1/reports/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer demo-ingest-key' },
        body: JSON.stringify({
          reports: Array.from({ length: n }, (_, i) => spreadReport(from + i)),
        }),
      });
    // Twelve clients leave at different points of the stream, some in the middle of a flush.
    const away: { client: LiveClient; left: number }[] = [];
    for (let k = 0; k < 12; k++) {
      const client = new LiveClient(server.url, token);
      await client.ready();
      await post(k * 7, k % 3 === 0 ? 1 : 5);
      await waitFor(() => client.received.length >= (k % 3 === 0 ? 1 : 5));
      client.socket.disconnect();
      away.push({ client, left: client.cursor.lastSeq! });
    }
    await post(200, 40);
    const fresh = Array.from({ length: 4 }, () => new LiveClient(server!.url, token));
    // What arrives on the wire after the reconnect, repeats included (the cursor would hide them).
    const wire = away.map(({ client }) => {
      const seqs: number[] = [];
      client.socket.on('deltas', (ds) => seqs.push(...ds.map((d) => d[0])));
      return seqs;
    });
    for (const { client } of away) client.socket.connect();
    await post(300, 10);
    const health = await (await fetch(`${server.url}/api/health`)).json();
    for (const client of [...away.map((a) => a.client), ...fresh])
      await waitFor(() => client.cursor.lastSeq === health.seq, 10_000, 'every client to catch up');
    for (const [k, { client, left }] of away.entries()) {
      expect(wire[k]).toEqual(Array.from({ length: health.seq - left }, (_, i) => left + 1 + i));
      expect(client.snapshots).toHaveLength(1);
      expect(client.errors).toEqual([]);
    }
    for (const client of fresh) {
      expect(client.snapshots).toHaveLength(1);
      const seqs = client.received.map((d) => d.seq);
      expect(seqs).toEqual(
        Array.from(
          { length: health.seq - client.snapshots[0]!.seq },
          (_, i) => client.snapshots[0]!.seq + 1 + i,
        ),
      );
    }
    for (const client of [...away.map((a) => a.client), ...fresh]) client.close();
  });

  it('pushes an overdue event the moment a deadline passes', async () => {
    let offset = 0;
    server = await startTestServer({ clock: () => new Date(Date.now() + offset) });
    const token = await login(server.url, 'operator');
    const client = new LiveClient(server.url, token);
    await client.ready();
    const res = await postReport(server.url, report({ category: 'emergency' }));
    await waitFor(() => client.received.length > 0);
    // Emergencies must be accepted within 3 minutes: move the server's clock past that.
    offset = 3 * 60_000 + 1_000;
    await waitFor(
      () =>
        client.received.some(
          (d) =>
            d.type === 'incident' && d.incident.id === res.body.incidentId && d.incident.wasOverdue,
        ),
      5000,
      'the overdue delta',
    );
    const overdue = client.received.findLast((d) => d.type === 'incident')!;
    expect(overdue.type === 'incident' && overdue.incident.deadline).toMatchObject({
      step: 'accept',
      flagged: true,
    });
    const detail = await fetch(`${server.url}/api/v1/incidents/${res.body.incidentId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect((await detail.json()).incident.timeline.at(-1)).toMatchObject({
      action: 'overdue',
      detail: { step: 'accept' },
    });
    await waitFor(() => client.kpis?.overdue === 1, 3000, 'the overdue KPI');
    client.close();
  });
});

/** How many sockets the server holds back from the live stream now, from its metrics. */
async function heldBack(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^citybrain_socket_lagging (\d+)/m.exec(text)?.[1] ?? 0);
}

/** Report i at its own grid (and category past the 842nd), so none attaches to another. */
function spreadReport(i: number) {
  const grids = demoCity().regions.features.filter((f) => f.properties.level === 'grid');
  const [lng, lat] = grids[i % grids.length]!.properties.center;
  return report({
    category: i < grids.length ? 'citizen-request' : 'city-management',
    location: { lng, lat },
  });
}
