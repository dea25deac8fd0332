import { createRequire } from 'node:module';
import type * as SocketIoParser from 'socket.io-parser';
import type { Packet } from 'socket.io-parser';

/** The parser socket.io itself loads, so the wire format is always the one it speaks. */
const socketIoParser = createRequire(createRequire(import.meta.url).resolve('socket.io'))(
  'socket.io-parser',
) as typeof SocketIoParser;

const EVENT = 2;

/**
 * Payloads the hub sends again and again (a delta batch to live sockets, then to catching-up
 * ones; a snapshot to every socket that connects for a while): JSON-encoded once, and never
 * walked for binary data, which the stock encoder does for every emit and which, for a snapshot
 * of the whole board, cost more than encoding it.
 */
export class SharedPayloads {
  /** Each shared payload's packet text once encoded (null until then). */
  private readonly texts = new WeakMap<object, { event: string; text: string } | null>();
  readonly parser: { Encoder: new () => { encode(packet: Packet): unknown[] }; Decoder: unknown };

  constructor() {
    const textOf = (packet: Packet) => this.textOf(packet);
    this.parser = {
      Encoder: class extends socketIoParser.Encoder {
        override encode(packet: Packet): unknown[] {
          const text = textOf(packet);
          return text === undefined ? super.encode(packet) : [text];
        }
      },
      Decoder: socketIoParser.Decoder,
    };
  }

  /** Marks a payload as sent often and never changed again: plain JSON, no binary. */
  share<T extends object>(payload: T): T {
    if (!this.texts.has(payload)) this.texts.set(payload, null);
    return payload;
  }

  /** The text of an event on the main namespace without an ack carrying a shared payload. */
  private textOf({ type, nsp, id, data }: Packet): string | undefined {
    if (type !== EVENT || nsp !== '/' || id !== undefined) return undefined;
    if (!Array.isArray(data) || data.length !== 2 || typeof data[1] !== 'object') return undefined;
    const [event, payload] = data as [string, object];
    const known = this.texts.get(payload);
    if (known === undefined) return undefined;
    if (known?.event === event) return known.text;
    const text = `${EVENT}${JSON.stringify(data)}`;
    this.texts.set(payload, { event, text });
    return text;
  }
}
