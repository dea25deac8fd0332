import { createRequire } from 'node:module';
import type * as SocketIoParser from 'socket.io-parser';
import { describe, expect, it } from 'vitest';
import { SharedPayloads } from './shared-payloads.js';

const stock = createRequire(createRequire(import.meta.url).resolve('socket.io'))(
  'socket.io-parser',
) as typeof SocketIoParser;

describe('shared payloads', () => {
  it('encode as the stock parser does, once for every send', () => {
    const shared = new SharedPayloads();
    const encoder = new shared.parser.Encoder();
    const batch = shared.share([{ seq: 1, title: '邻里噪音纠纷 "quoted"' }]);
    const packet = { type: stock.PacketType.EVENT, nsp: '/', data: ['deltas', batch] };
    const expected = new stock.Encoder().encode(packet);
    expect(encoder.encode(packet)).toEqual(expected);
    // Shared payloads are never changed once sent; the text is reused as it was first encoded.
    batch.push({ seq: 2, title: 'later' });
    expect(encoder.encode({ ...packet, data: ['deltas', batch] })).toEqual(expected);
  });

  it('leave every other packet to the stock encoder', () => {
    const shared = new SharedPayloads();
    const encoder = new shared.parser.Encoder();
    const withAck = { type: stock.PacketType.ACK, nsp: '/', id: 7, data: [{ ok: true }] };
    const binary = { type: stock.PacketType.EVENT, nsp: '/', data: ['x', Buffer.from('ab')] };
    for (const packet of [withAck, binary])
      expect(encoder.encode(packet)).toEqual(new stock.Encoder().encode(packet));
  });
});
