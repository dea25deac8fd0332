import type { HistogramData } from './histogram.js';

/** Messages between the orchestrator (bench/realtime.ts) and a client-group process. */
export type ToClients =
  | {
      type: 'start';
      url: string;
      token: string;
      clients: number;
      /** Every n-th client decodes with the stock socket.io parser (0: none); others scan. */
      fullEvery: number;
      /** Offset of this group's first client in the whole run, for `fullEvery`. */
      firstIndex: number;
      /**
       * Sub-centre screens, the group's first clients (the others are city-wide, with `token`):
       * each with its own user's session, its region, and the plan's report numbers that lie in
       * that region, worked out by the orchestrator from the city's regions.
       */
      scoped?: ScopedSpec[];
    }
  /** Starts counting the measured window's event-loop delay (after warm-up). */
  | { type: 'measure' }
  | {
      type: 'finish';
      finalSeq: number;
      timeoutMs: number;
      /** Plan numbers of reports whose POST failed: no screen can get them. */
      notCreated: number[];
    };

export interface ScopedSpec {
  token: string;
  regionId: string;
  expected: number[];
}

/** What the sub-centre screens of a group got, against what their areas should have got. */
export interface ScopedResult {
  clients: number;
  /** Bench reports inside the screens' areas, summed over screens. */
  expected: number;
  /** Of those, the ones that arrived (once counted per screen, whatever their versions). */
  received: number;
  /** Bench reports a screen got from outside its area (each counted once per screen). */
  outside: number;
  /** Bench reports inside a screen's area that never reached it. */
  missed: number;
  /** Deltas a screen got again inside a cover it had already passed (a catch-up), skipped. */
  repeats: number;
  /** Deltas without a bench marker (camera changes), summed over screens. */
  unmarked: number;
  /** A few of the mistakes, `region: report n (why)`, for the report. */
  examples: string[];
}

export interface ClientGroupResult {
  clients: number;
  connected: number;
  /** Of those connected, the clients that decode with the stock parser and time every delta. */
  fullConnected: number;
  connectErrors: string[];
  /** Deltas each client should have got: from its snapshot's seq to the final seq. */
  expected: number;
  received: number;
  /** Sequence numbers skipped over (a gap), summed over clients. */
  lost: number;
  /** Deltas whose seq was not above the last one applied (backwards or repeated). */
  outOfOrder: number;
  /** Deltas still not received when the wait after the run ran out, summed over clients. */
  missingAtEnd: number;
  reconnects: number;
  disconnects: number;
  /**
   * Measured (non warm-up) created-incident deltas, by the parser the client used: every one at
   * a full-parse client, the first of each batch at a scanning client (./scan-parser.ts).
   */
  latencyScan: HistogramData;
  latencyFull: HistogramData;
  /** Measured deltas at the sub-centre screens, every one timed. */
  latencyScoped: HistogramData;
  scoped: ScopedResult;
  /** Per second of receipt (epoch s): [count, sum ms, max ms], to see drift over the run. */
  perSecond: Record<string, [number, number, number]>;
  /** Bytes and deltas one client of the group received: the wire size of a delta. */
  wireBytes: number;
  wireDeltas: number;
  /** This process's event-loop delay during the measured window, ms. */
  loopDelayP99: number;
  loopDelayMax: number;
}

export type FromClients =
  | { type: 'ready'; connected: number; errors: string[] }
  | { type: 'result'; result: ClientGroupResult }
  | { type: 'error'; message: string };
