/**
 * The baseline for bench/realtime.ts: a bare Express + Socket.IO server that takes the same
 * report POSTs and broadcasts each one to every client, with nothing in between (no validation,
 * storage, dedup, KPIs, auth). It batches the way the real hub does (server/realtime/hub.ts: one
 * `deltas` emit every FLUSH_MS with what arrived since, each stamped with a seq), so the ratio
 * measures what the real server adds, not a different batching policy. BASELINE_FLUSH_MS=0
 * emits each report on its own instead.
 *
 * Env: PORT (0 for any), HOST, BASELINE_FLUSH_MS (default 50), BASELINE_PAD_TO (pad each delta to
 * about this many bytes of JSON; default 0, as posted). Prints `listening <port>`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Server } from 'socket.io';

const FLUSH_MS = Number(process.env.BASELINE_FLUSH_MS ?? 50);
/** Pads each delta to about this many bytes of JSON (0: as posted), to compare equal sizes. */
const PAD_TO = Number(process.env.BASELINE_PAD_TO ?? 0);

interface Delta {
  seq: number;
  at: string;
  type: 'incident';
  incident: unknown;
}

const app = express();
app.use(express.json({ limit: '2mb' }));
const http = createServer(app);
const io = new Server(http, { serveClient: false, pingInterval: 10_000, pingTimeout: 8_000 });

let seq = 0;
let pending: Delta[] = [];
let timer: NodeJS.Timeout | undefined;

const flush = () => {
  timer = undefined;
  if (!pending.length) return;
  const batch = pending;
  pending = [];
  io.emit('deltas', batch);
};

app.get('/api/health', (_req, res) => void res.json({ status: 'ok', seq }));
app.post('/api/v1/reports', (req, res) => {
  seq += 1;
  // The same shape as a real delta, so the clients read both the same way.
  const incident: Record<string, unknown> = {
    ...(req.body as object),
    version: 1,
  };
  const delta: Delta = { type: 'incident', incident, seq, at: new Date().toISOString() };
  if (PAD_TO > 0) {
    const size = Buffer.byteLength(JSON.stringify(delta));
    if (size + 10 < PAD_TO) incident.pad = 'x'.repeat(PAD_TO - size - 10);
  }
  if (FLUSH_MS > 0) {
    pending.push(delta);
    timer ??= setTimeout(flush, FLUSH_MS);
  } else {
    io.emit('deltas', [delta]);
  }
  res.status(201).json({ result: 'created', reportId: `R${seq}`, incidentId: `I${seq}` });
});

io.on('connection', (socket) => {
  socket.emit('snapshot', { seq });
});

http.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  console.log(`listening ${(http.address() as AddressInfo).port}`);
});
const stop = () => {
  void io.close();
  http.close(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
