import { describe, expect, it } from 'vitest';
import { summarize } from '../domain/incidents.js';
import type { Warning } from '../domain/warnings.js';
import { testIncident } from '../testing/incident.js';
import type { Delta, Snapshot } from './events.js';
import { SequenceCursor, SequenceGapError } from './sequence.js';
import {
  coverOf,
  packCover,
  packDeltas,
  packSnapshot,
  unpackDeltas,
  unpackSnapshot,
} from './wire.js';

/** What a screen receives: the packed form after a trip through JSON, as Socket.IO carries it. */
const overTheWire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const dispatched = summarize(
  testIncident({
    id: 'INC-20261130-000042',
    version: 4,
    title: '楼道堆放杂物',
    description: '市民来电反映：3栋楼道堆放大量纸箱，影响消防通道。',
    severity: 'high',
    groupRisk: true,
    cameraId: 'cam-0007',
    state: 'dispatched',
    assignments: [
      { departmentId: 'dept-fire', respondedAt: '2026-11-22T10:05:00.000Z', reportedAt: null },
      { departmentId: 'dept-street', respondedAt: null, reportedAt: null },
    ],
    gridWorkerId: 'gw-012',
    deadline: { step: 'respond', dueAt: '2026-11-22T11:00:00.000Z', extensions: 1, flagged: true },
    rating: null,
    updatedAt: '2026-11-22T10:06:00.000Z',
    reportCount: 3,
    // No two fields of the same type share a value across these two, so a field read from
    // another's place shows.
    wasOverdue: false,
  }),
);
const closed = summarize(
  testIncident({
    id: 'INC-2',
    state: 'closed',
    deadline: null,
    closedAt: '2026-11-22T12:00:00.000Z',
    rating: 5,
  }),
);

const WARNING: Warning = {
  id: 'YJ-20261122-0001',
  rule: 'repeat-matter',
  level: 'orange',
  state: 'open',
  facts: { category: 'dispute', count: 3, radiusM: 200, days: 7 },
  raisedAt: '2026-11-22T12:00:01.000Z',
  updatedAt: '2026-11-22T12:00:01.000Z',
  location: [113.1, 23.1],
  area: { gridId: 'g', communityId: 'c', streetId: 's', districtId: 'd' },
  incidentIds: ['INC-1', 'INC-2', 'INC-3'],
};

describe('the live stream wire form', () => {
  it('brings every field of every incident and camera change to the screen unchanged', () => {
    const deltas: Delta[] = [
      { seq: 7, at: '2026-11-22T10:06:00.000Z', type: 'incident', incident: dispatched },
      {
        seq: 8,
        at: '2026-11-22T10:06:01.000Z',
        type: 'camera',
        cameraId: 'cam-1',
        status: 'offline',
      },
      { seq: 9, at: '2026-11-22T12:00:00.000Z', type: 'incident', incident: closed },
      { seq: 10, at: '2026-11-22T12:00:01.000Z', type: 'warning', warning: WARNING },
    ];
    expect(unpackDeltas(overTheWire(packDeltas(deltas)))).toEqual(deltas);
  });

  it('brings a snapshot whole: incidents, cameras, patrols and figures', () => {
    const snapshot: Snapshot = {
      seq: 9,
      at: '2026-11-22T12:00:00.000Z',
      incidents: [dispatched, closed],
      cameras: [{ id: 'cam-1', status: 'online' }],
      warnings: [WARNING],
      patrols: [{ id: 'p-1', position: [113.1, 23.1], heading: 90, status: 'patrolling' }],
      workers: [{ id: 'gw-001', position: [112.9, 22.9], at: '2026-11-22T11:59:00.000Z' }],
      kpis: { at: '2026-11-22T12:00:00.000Z' } as Snapshot['kpis'],
    };
    expect(unpackSnapshot(overTheWire(packSnapshot(snapshot)))).toEqual(snapshot);
  });

  it('sends each screen a new incident in well under two thirds of its keyed JSON', () => {
    const delta: Delta = {
      seq: 7,
      at: dispatched.updatedAt,
      type: 'incident',
      incident: dispatched,
    };
    const packed = Buffer.byteLength(JSON.stringify(packDeltas([delta])));
    const keyed = Buffer.byteLength(JSON.stringify([delta]));
    expect(packed / keyed).toBeLessThan(0.6);
  });

  it('leaves the description to the detail view: the stream never carries it', () => {
    const incident = testIncident({ description: '市民来电反映：3栋楼道堆放大量纸箱。' });
    expect(summarize(incident)).not.toHaveProperty('description');
    expect(summarize(incident)).not.toHaveProperty('timeline');
  });
});

describe("a sub-centre's stream with holes", () => {
  const camera = (seq: number): Delta => ({
    seq,
    at: '2026-11-22T08:00:00.000Z',
    type: 'camera',
    cameraId: `cam-${seq}`,
    status: 'online',
  });
  it('takes a covered batch with holes, and refuses one that leaves a gap before it', () => {
    const batch = [packCover(6, 12, 'x'), ...packDeltas([camera(8), camera(11)])];
    expect(coverOf(batch)).toEqual({ from: 6, to: 12 });
    expect(unpackDeltas(batch).map((d) => d.seq)).toEqual([8, 11]);
    const cursor = new SequenceCursor(5);
    expect(cursor.take(unpackDeltas(batch), coverOf(batch)).map((d) => d.seq)).toEqual([8, 11]);
    // Up to 12 is covered: 13 follows without a gap.
    expect(cursor.lastSeq).toBe(12);
    expect(cursor.take([camera(13)]).map((d) => d.seq)).toEqual([13]);
    const late = [packCover(20, 22, 'x'), ...packDeltas([camera(21)])];
    expect(() => cursor.take(unpackDeltas(late), coverOf(late))).toThrow(SequenceGapError);
  });

  it('still finds a gap in a batch without a cover', () => {
    const cursor = new SequenceCursor(5);
    expect(() => cursor.take([camera(6), camera(8)])).toThrow(SequenceGapError);
  });
});
