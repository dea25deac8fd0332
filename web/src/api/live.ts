import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  CommandResult,
  Delta,
  Kpis,
  PatrolPosition,
  ServerToClientEvents,
  Snapshot,
  WallPush,
  WallPushRequest,
  WorkerPosition,
} from '../../../shared/realtime/events.js';
import { SequenceCursor, SequenceGapError } from '../../../shared/realtime/sequence.js';
import {
  coverOf,
  unpackDeltas,
  unpackSnapshot,
  WIRE_VERSION,
} from '../../../shared/realtime/wire.js';
import { ApiError } from './http.js';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface LiveHandlers {
  snapshot(s: Snapshot): void;
  deltas(d: Delta[]): void;
  kpis(k: Kpis): void;
  patrols(p: PatrolPosition[]): void;
  /** Grid workers on duty, where their phones last were. */
  workers(w: WorkerPosition[]): void;
  wall(push: WallPush): void;
  /** Tour plans or the patrol log changed: read them again. */
  videoPatrols(change: { what: 'plans' | 'log'; at: string }): void;
  /** `error` is the connect refusal as the server wrote it (`unauthorized: …`, `outdated: …`). */
  status(connected: boolean, error?: string): void;
}

let current: LiveSocket | undefined;

/**
 * Sends a push to the walls over the live connection; resolves with the server's answer. Every
 * failure is an ApiError with a code, so the screen can say it in its own language.
 */
export async function pushToWall(request: WallPushRequest): Promise<WallPush> {
  const socket = current;
  if (!socket?.connected)
    throw new ApiError(0, { code: 'not_connected', message: 'not connected' });
  let result: CommandResult<WallPush>;
  try {
    result = await socket.timeout(5_000).emitWithAck('wall:push', request);
  } catch (err) {
    // The only rejection here is the ack timing out: the server never answered.
    throw new ApiError(0, { code: 'no_answer', message: (err as Error).message });
  }
  if (!result.ok) throw new ApiError(result.status, result.error);
  return result.value;
}

/**
 * The one Socket.IO connection: snapshot, then ordered deltas; on any reconnect it names its last
 * sequence number so the server sends exactly what it missed.
 */
export function connectLive(token: string, handlers: LiveHandlers): LiveSocket {
  const cursor = new SequenceCursor();
  const socket: LiveSocket = io({
    transports: ['websocket'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
    auth: (cb) =>
      cb({
        token,
        wire: WIRE_VERSION,
        ...(cursor.lastSeq === undefined ? {} : { lastSeq: cursor.lastSeq }),
      }),
  });
  socket.on('connect', () => handlers.status(true));
  socket.on('disconnect', (reason) => {
    handlers.status(false);
    // Socket.IO does not come back by itself after the server hung up. The server hangs up when
    // this session ended (logout elsewhere, the user disabled): knock again, and the handshake
    // says whether the session still stands ("unauthorized" if not).
    if (reason === 'io server disconnect')
      setTimeout(() => socket.connect(), 500 + Math.random() * 1_000);
  });
  socket.on('connect_error', (err) => handlers.status(false, err.message));
  socket.on('snapshot', (s) => {
    cursor.reset(s.seq);
    handlers.snapshot(unpackSnapshot(s));
  });
  socket.on('deltas', (deltas) => {
    try {
      const fresh = cursor.take(unpackDeltas(deltas), coverOf(deltas));
      if (fresh.length) handlers.deltas(fresh);
    } catch (err) {
      if (!(err instanceof SequenceGapError)) throw err;
      // Never show a picture with a hole in it: resume from the last delta applied.
      socket.disconnect().connect();
    }
  });
  socket.on('kpis', handlers.kpis);
  socket.on('patrols', handlers.patrols);
  socket.on('workers', handlers.workers);
  socket.on('wall', handlers.wall);
  socket.on('videoPatrols', handlers.videoPatrols);
  current = socket;
  return socket;
}
