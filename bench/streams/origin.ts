/**
 * The camera origin for the benchmark, in a process of its own so that its CPU is nobody else's.
 * Counts requests per path for the benchmark to check one upstream fetch per segment.
 */
import { DemoOrigin } from '../../server/streams/demo-origin.js';
import { ORIGIN_PASSWORD, ORIGIN_USER, type FromChild, type ToOrigin } from './protocol.js';

const cameraIds = JSON.parse(process.argv[2] ?? '[]') as string[];
let counts = new Map<string, number>();
const origin = new DemoOrigin(cameraIds, {
  host: '127.0.0.1',
  port: 0,
  username: ORIGIN_USER,
  password: ORIGIN_PASSWORD,
  onRequest: (_method, path) => counts.set(path, (counts.get(path) ?? 0) + 1),
});
await origin.start();
const send = (m: FromChild) => process.send!(m);
send({ type: 'ready', port: Number(new URL(origin.url).port) });
process.on('message', (m: ToOrigin) => {
  if (m.type === 'stop') void origin.stop().then(() => process.exit(0));
  else {
    send({ type: 'counts', counts: [...counts] });
    if (m.reset) counts = new Map();
  }
});
