/**
 * A steady background load for bench/realtime.ts (`--background-load P`): burns P % of one core in
 * small slices (busy for P % of every 10 ms, asleep for the rest), the way another developer's
 * test run or a compiler takes a share of a shared machine. Run as its own process, at the
 * ordinary priority, during both the real server's run and the baseline's, so both meet the same
 * disturbance.
 *
 *   node bench/realtime/background-load.ts <percent> [sliceMs]
 *
 * No imports, so it starts at once. It stops when its parent goes (IPC disconnect) or on SIGTERM.
 */
export {};

const percent = Math.min(100, Math.max(0, Number(process.argv[2] ?? 0)));
const sliceMs = Math.max(1, Number(process.argv[3] ?? 10));
const busyMs = (sliceMs * percent) / 100;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

let sink = 0;
let running = true;
const stop = () => {
  running = false;
};
process.on('SIGTERM', stop);
process.on('disconnect', stop);

/**
 * One slice at a time, on the clock rather than by count, so the share holds whatever the CPU's
 * speed; between slices the loop yields to Node (setImmediate) so the signals above are seen.
 */
function slice(): void {
  if (!running) process.exit(0);
  const start = performance.now();
  while (performance.now() - start < busyMs) sink += Math.sqrt(sink + 1);
  const rest = sliceMs - (performance.now() - start);
  // Atomics.wait sleeps to the millisecond without a timer's minimum delay.
  if (rest > 0) Atomics.wait(sleeper, 0, 0, rest);
  setImmediate(slice);
}

if (percent > 0) slice();
else process.on('SIGTERM', () => process.exit(0));
process.send?.({ ready: true, sink });
