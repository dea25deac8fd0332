import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { api, LiveClient, login, postReport, report, waitFor } from '../support/server.js';

const dataDir = mkdtempSync(join(tmpdir(), 'citybrain-kill-'));
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** The real server as its own process, as `npm start` runs it. */
async function launch(port: number): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DEMO: 'true',
      DEMO_ORIGIN_PORT: '0',
      SIMULATE: 'false',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve());
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return proc;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('a server killed with SIGKILL', () => {
  it('keeps every acknowledged report, and its clients resume without a gap', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    child = await launch(port);
    const token = await login(url, 'duty');
    const client = new LiveClient(url, token);
    await client.ready();

    const acknowledged: { externalId: string; incidentId: string }[] = [];
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        const r = report({
          externalId: `kill-${i}`,
          category: i % 2 ? 'dispute' : 'citizen-request',
        });
        const res = await postReport(url, r).catch(() => undefined);
        if (!res) return; // the server died under this request: it was never acknowledged
        if (res.status < 300)
          acknowledged.push({ externalId: r.externalId, incidentId: res.body.incidentId });
      }
    })();
    await waitFor(() => acknowledged.length >= 150, 20_000, '150 acknowledged reports');
    child.kill('SIGKILL');
    stop = true;
    await writer;
    const seenBeforeKill = client.cursor.lastSeq!;

    child = await launch(port);
    const after = await login(url, 'duty');
    for (const { externalId, incidentId } of acknowledged) {
      const { status, body } = await api(url, `/api/v1/incidents/${incidentId}`, { token: after });
      expect(status).toBe(200);
      expect(body.reports.map((r: { externalId: string }) => r.externalId)).toContain(externalId);
    }
    // A retry of an acknowledged report is still known after the restart.
    const retry = await postReport(
      url,
      report({ externalId: acknowledged[0]!.externalId, category: 'citizen-request' }),
    );
    expect(retry.body.result).toBe('duplicate');

    // The client that watched through the kill reconnects by itself and fills its gap.
    const health = await api(url, '/api/health');
    await waitFor(
      () => client.cursor.lastSeq === health.body.seq,
      15_000,
      'the client to catch up',
    );
    expect(client.cursor.lastSeq).toBeGreaterThanOrEqual(seenBeforeKill);
    expect(client.errors.filter((e) => e.includes('missing'))).toEqual([]);
    expect(client.snapshots).toHaveLength(1);
    client.close();
  }, 60_000);
});
