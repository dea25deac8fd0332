/**
 * The baseline for bench/realtime.ts: a bare Express + Socket.IO server that takes the same
 * report POSTs and broadcasts each one to every client, with nothing in between (no validation,
 * storage, dedup, KPIs, auth). It batches the way the real hub does (server/realtime/hub.ts: one
 * `deltas` emit every FLUSH_MS with what arrived since, each stamped with a seq), and sends each
 * report as the real server sends a new incident, packed (shared/realtime/wire.ts), with
 * stand-ins of the same length for what only the real server works out (its grid, deadline and
 * ids): the same bytes on the wire, so the ratio measures what the real server adds.
 * BASELINE_FLUSH_MS=0 emits each report on its own instead.
 *
 * Env: PORT (0 for any), HOST, BASELINE_FLUSH_MS (default 50). Prints `listening <port>`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Server } from 'socket.io';
import { packDeltas, summarize, type Delta, type ReportInput } from '../../shared/index.js';
import { testIncident } from '../../shared/testing/incident.js';

const FLUSH_MS = Number(process.env.BASELINE_FLUSH_MS ?? 50);

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
  io.emit('deltas', packDeltas(batch));
};

app.get('/api/health', (_req, res) => void res.json({ status: 'ok', seq }));
app.post('/api/v1/reports', (req, res) => {
  seq += 1;
  const report = req.body as ReportInput;
  const at = new Date().toISOString();
  const delta: Delta = {
    seq,
    at,
    type: 'incident',
    // A new incident as the real server sends one, with stand-ins of the same length.
    incident: summarize(
      testIncident({
        id: `INC-20261130-${String(seq).padStart(6, '0')}`,
        title: report.title,
        category: report.category,
        severity: report.severity ?? 'medium',
        source: report.source,
        location: [report.location.lng, report.location.lat],
        gridId: 'd00-s00-c00-g00',
        communityId: 'd00-s00-c00',
        streetId: 'd00-s00',
        districtId: 'd00',
        cameraId: report.cameraId ?? null,
        gridWorkerId: 'gw-000',
        deadline: { step: 'accept', dueAt: at, extensions: 0, flagged: false },
        reportedAt: at,
        updatedAt: at,
      }),
    ),
  };
  if (FLUSH_MS > 0) {
    pending.push(delta);
    timer ??= setTimeout(flush, FLUSH_MS);
  } else {
    io.emit('deltas', packDeltas([delta]));
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
