import { describe, expect, it } from 'vitest';
import { packDeltas, summarize, type Delta } from '../../shared/index.js';
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
      [100, { measured: true, sentAt: 1796030737672.5 }, 1],
      [101, undefined, undefined],
      [102, undefined, undefined],
      [103, undefined, undefined],
    ]);
  });
});
