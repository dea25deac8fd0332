import WebSocket from 'ws';

/**
 * A Socket.IO client in as few steps as the protocol allows (Engine.IO 4 packets over a
 * WebSocket, Socket.IO 5 packets inside them), for the benchmark's scanning clients. The stock
 * client turns every frame into a string and hands it through three layers of emitters; at 500
 * clients that was most of what the load generator spent, on the same two cores as the server.
 * This one hands the `deltas` frames over as the bytes received (./scan-parser.ts reads them),
 * answers the server's pings, gives up on a link whose pings stop, and reconnects like the stock
 * client (backing off from 200 ms to 2 s, with jitter), naming the last seq it read.
 * Other events than `snapshot` and `deltas` (KPIs, patrols) are received and not read.
 */
export interface ProtocolClientHandlers {
  /** The `auth` of each Socket.IO connect, asked anew at every (re)connect. */
  auth(): object;
  snapshot(seq: number): void;
  deltas(frame: Buffer): void;
  connectError(message: string): void;
  disconnect(): void;
  reconnect(): void;
}

/** Engine.IO packet types (the first byte of a text frame). */
const ENGINE_OPEN = 0x30;
const ENGINE_PING = 0x32;
const ENGINE_MESSAGE = 0x34;
/** Socket.IO packet types (the second byte of an Engine.IO message). */
const SIO_CONNECT = 0x30;
const SIO_DISCONNECT = 0x31;
const SIO_EVENT = 0x32;
const SIO_CONNECT_ERROR = 0x34;
const DELTAS = Buffer.from('42["deltas",');
const SNAPSHOT = Buffer.from('42["snapshot",');
/** As the benchmark's stock clients are set: 200 ms doubling to 2 s, ±50 %. */
const RECONNECT_MS = 200;
const RECONNECT_MAX_MS = 2_000;

const startsWith = (frame: Buffer, prefix: Buffer) =>
  frame.length >= prefix.length && frame.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;

export class ProtocolClient {
  private ws: WebSocket | undefined;
  private connected = false;
  private everConnected = false;
  private closed = false;
  private attempts = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** Closes a link on which the server's pings stopped (its ping interval plus timeout). */
  private pingWatch: NodeJS.Timeout | undefined;
  private pingWithinMs = 0;

  constructor(
    private readonly url: string,
    private readonly on: ProtocolClientHandlers,
  ) {
    this.open();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.pingWatch);
    this.ws?.close();
  }

  private open(): void {
    if (this.closed) return;
    const ws = new WebSocket(
      `${this.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`,
      { perMessageDeflate: false, skipUTF8Validation: true },
    );
    this.ws = ws;
    ws.on('message', (frame: Buffer) => this.receive(ws, frame));
    ws.on('error', (err) => this.on.connectError(err.message));
    ws.on('close', () => {
      clearTimeout(this.pingWatch);
      if (this.connected) this.on.disconnect();
      this.connected = false;
      if (this.closed) return;
      const backoff = Math.min(RECONNECT_MAX_MS, RECONNECT_MS * 2 ** this.attempts++);
      this.reconnectTimer = setTimeout(() => this.open(), backoff * (0.5 + Math.random()));
    });
  }

  private watchPings(ws: WebSocket): void {
    clearTimeout(this.pingWatch);
    this.pingWatch = setTimeout(() => ws.terminate(), this.pingWithinMs);
  }

  private receive(ws: WebSocket, frame: Buffer): void {
    switch (frame[0]) {
      case ENGINE_PING:
        ws.send('3');
        this.watchPings(ws);
        return;
      case ENGINE_OPEN: {
        const open = JSON.parse(frame.toString('utf8', 1)) as {
          pingInterval: number;
          pingTimeout: number;
        };
        this.pingWithinMs = open.pingInterval + open.pingTimeout;
        this.watchPings(ws);
        ws.send(`40${JSON.stringify(this.on.auth())}`);
        return;
      }
      case ENGINE_MESSAGE:
        break;
      default:
        return;
    }
    if (frame[1] === SIO_EVENT) {
      if (startsWith(frame, DELTAS)) this.on.deltas(frame);
      else if (startsWith(frame, SNAPSHOT)) {
        const [, snapshot] = JSON.parse(frame.toString('utf8', 2)) as [string, { seq: number }];
        this.on.snapshot(snapshot.seq);
      }
    } else if (frame[1] === SIO_CONNECT) {
      this.connected = true;
      this.attempts = 0;
      if (this.everConnected) this.on.reconnect();
      this.everConnected = true;
    } else if (frame[1] === SIO_CONNECT_ERROR) {
      // Refused by the server's middleware: the stock client does not retry either.
      const { message } = JSON.parse(frame.toString('utf8', 2)) as { message: string };
      this.on.connectError(message);
      this.close();
    } else if (frame[1] === SIO_DISCONNECT) {
      // Disconnected by the server on purpose: the stock client stays away too.
      this.close();
    }
  }
}
