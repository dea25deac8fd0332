import { describe, expect, it } from 'vitest';
import { packCover, packDeltas, summarize, type Delta } from '../../shared/index.js';
import { testIncident } from '../../shared/testing/incident.js';
import { marker, scanDeltas } from '../../bench/realtime/scan-parser.js';

// The realtime benchmark's clients read deltas by scanning the frame's bytes; a miss would be
// reported as a lost delta, a false hit as one out of order.
describe("the realtime benchmark's frame scan", () => {
  it('finds every delta of a packed batch, and the first one’s version and send time', () => {
    const at = '2026-11-30T10:00:00.000Z';
    const incident = (n: number, title: string): Delta => ({
      seq: 100 + n,
      at,
      type: 'incident',
      incident: summarize(
        testIncident({
          id: `INC-${n}`,
          version: n + 1,
          title,
          closedAt: at,
          assignments: [{ departmentId: 'dept-1', respondedAt: at, reportedAt: null }],
        }),
      ),
    });
    const batch = [
      incident(0, `Street quarrel ${marker(true, 7, 1796030737672.5)}`),
      { seq: 101, at, type: 'camera', cameraId: 'cam-1', status: 'offline' } as Delta,
      incident(2, 'Z",[9,"2026-11-30T10:00:00.000Z",0,'),
      incident(3, '2026年11月 [12,"x"]'),
    ];
    // The frame as a client receives it: the Socket.IO event around the packed array.
    const frame = Buffer.from(`42${JSON.stringify(['deltas', packDeltas(batch)])}`);
    const seen: [number, unknown, unknown][] = [];
    scanDeltas(frame, (seq, m, version) => seen.push([seq, m, version]));
    expect(seen).toEqual([
      [100, { measured: true, n: 7, sentAt: 1796030737672.5 }, 1],
      [101, undefined, undefined],
      [102, undefined, undefined],
      [103, undefined, undefined],
    ]);
  });

  it('reads a sub-centre batch: the cover mark apart, then every delta with its marker', () => {
    const at = '2026-11-30T10:00:00.000Z';
    const incident = (seq: number, n: number): Delta => ({
      seq,
      at,
      type: 'incident',
      incident: summarize(
        testIncident({ id: `INC-${seq}`, version: 1, title: `Fire ${marker(n > 2, n, 1000 + n)}` }),
      ),
    });
    // Seqs 40..47 covered; only 42 and 46 lie in the area.
    const frame = Buffer.from(
      `42${JSON.stringify(['deltas', [packCover(40, 47, at), ...packDeltas([incident(42, 1), incident(46, 3)])]])}`,
    );
    const covers: [number, number][] = [];
    const seen: [number, unknown, unknown][] = [];
    scanDeltas(frame, (seq, m, version) => seen.push([seq, m, version]), {
      every: true,
      onCover: (from, to) => covers.push([from, to]),
    });
    expect(covers).toEqual([[40, 47]]);
    expect(seen).toEqual([
      [42, { measured: false, n: 1, sentAt: 1001 }, 1],
      [46, { measured: true, n: 3, sentAt: 1003 }, 1],
    ]);
    // Without `every`, the first delta after the cover is the one read.
    const firstOnly: [number, unknown][] = [];
    scanDeltas(frame, (seq, m) => firstOnly.push([seq, m]));
    expect(firstOnly).toEqual([
      [42, { measured: false, n: 1, sentAt: 1001 }],
      [46, undefined],
    ]);
  });
});
