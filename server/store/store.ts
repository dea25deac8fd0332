import type {
  Delta,
  Incident,
  IncidentState,
  Report,
  Role,
  CameraStatus,
  Warning,
  WarningState,
} from '../../shared/index.js';
import type { AuditEntry, AuditQuery, AuditRecord } from '../audit/audit.js';
import type { StatsReader } from '../stats/reader.js';

/** A delta before the store has given it its place in the sequence. */
export type DeltaDraft = Delta extends infer D
  ? D extends Delta
    ? Omit<D, 'seq' | 'at'>
    : never
  : never;

/** Everything one change writes; it lands whole or not at all. */
export interface Change {
  incidents?: Incident[];
  reports?: Report[];
  cameraStatuses?: { cameraId: string; status: CameraStatus }[];
  /** Warnings raised or changed, each with the key of its rule and subject. */
  warnings?: (Warning & { key: string })[];
  deltas: DeltaDraft[];
}

/**
 * Incidents from before the event log began, with their reports: the demo's past, or a centre's
 * records migrated from the system it replaces. Each incident's timeline is its history.
 */
export interface PastRecords {
  incidents: Incident[];
  reports: Report[];
  /** Id counters at least this far on, so new ids do not collide with imported ones. */
  counters?: Record<string, number>;
}

export interface WarningQuery {
  states: WarningState[];
  limit: number;
  offset: number;
}

export interface IncidentQuery {
  states?: IncidentState[];
  categories?: string[];
  regionId?: string;
  from?: string;
  to?: string;
  /** Only incidents whose running deadline is before this instant. */
  dueBefore?: string;
  limit: number;
  offset: number;
}

export interface Session {
  username: string;
  name: string;
  role: Role;
  expiresAt: number;
  /** A fingerprint of the password it was opened with: a new password ends it, even offline. */
  credential: string;
}

/**
 * The durable side of the server: current state tables plus an append-only event log with one
 * global, gap-free sequence, written in one transaction. Asynchronous so that a networked
 * database can stand behind the same interface.
 */
export interface Store {
  /** The sequence number of the last committed delta (0 when empty). */
  lastSeq(): number;
  commit(change: Change, at: Date): Promise<Delta[]>;
  /**
   * Writes past records in one transaction, without events: screens never saw them live. An
   * incident already stored is refused whole (the batch lands whole or not at all).
   */
  importPast(records: PastRecords): Promise<void>;
  /** The deltas after `seq`, oldest first, or null if the log no longer reaches back that far. */
  deltasSince(seq: number, limit: number): Promise<Delta[] | null>;
  getIncident(id: string): Promise<Incident | undefined>;
  queryIncidents(query: IncidentQuery): Promise<{ total: number; incidents: Incident[] }>;
  /** Open incidents and those reported or finished since `since`: the live board. */
  liveIncidents(since: string): Promise<Incident[]>;
  findReport(integration: string, source: string, externalId: string): Promise<Report | undefined>;
  /** A grid worker's incidents still to do (open, or closed awaiting 回访), by deadline. */
  workerTasks(gridWorkerId: string, limit: number): Promise<Incident[]>;
  /** Incidents an integration (a phone: `user:<name>`) reported since `since`, newest first. */
  reportedBy(integration: string, since: string, limit: number): Promise<Incident[]>;
  /** One page of an incident's reports, oldest first, and how many it has in all. */
  reportsOf(
    incidentId: string,
    page: { limit: number; offset: number },
  ): Promise<{ total: number; reports: Report[] }>;
  /** Next value of a named counter, for human-readable ids; saved with the next commit. */
  nextId(counter: string): Promise<number>;
  cameraStatuses(): Promise<Map<string, CameraStatus>>;
  /** How many incidents each grid had reported in [from, to). */
  incidentsByGrid(from: string, to: string): Promise<Map<string, number>>;
  /**
   * Where incidents reported in [from, to) happened, in one region (any level) or the whole
   * city, at most `limit` of them, newest first: the heat map's points.
   */
  incidentPoints(
    from: string,
    to: string,
    regionId: string | undefined,
    limit: number,
  ): Promise<[number, number][]>;
  /**
   * What a replay (复盘) of [from, to) needs, timelines and all: the incidents reported before
   * `to` that were open at `from` or reported or finished since (or are open now), in one region
   * (any level) or the whole city, at most `limit`, oldest first.
   */
  replayIncidents(
    from: string,
    to: string,
    regionId: string | undefined,
    limit: number,
  ): Promise<Incident[]>;
  /** The warnings a replay of [from, to) needs: raised before `to`, not resolved before `from`. */
  replayWarnings(from: string, to: string): Promise<Warning[]>;
  /** When the oldest incident kept was reported, if there is one. */
  firstReportedAt(): Promise<string | undefined>;
  /** Warnings not yet resolved, with their keys. */
  activeWarnings(): Promise<(Warning & { key: string })[]>;
  getWarning(id: string): Promise<(Warning & { key: string }) | undefined>;
  /** Warnings in the given states, newest first, and how many there are in all. */
  queryWarnings(query: WarningQuery): Promise<{ total: number; warnings: Warning[] }>;
  putSession(tokenHash: string, session: Session): Promise<void>;
  getSession(tokenHash: string): Promise<Session | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Ends every session of a user (disabled, removed or changed); returns their token hashes. */
  deleteSessionsOf(username: string): Promise<string[]>;
  /** Appends to the audit trail (审计日志), all in one transaction; `at` is each entry's time. */
  appendAudit(entries: readonly (AuditEntry & { at: string })[]): Promise<void>;
  /** The audit entries matching the query, newest first, and how many match in all. */
  queryAudit(query: AuditQuery): Promise<{ total: number; entries: AuditRecord[] }>;
  /** Deletes audit entries from before `before` (ISO-8601, UTC); returns how many went. */
  pruneAudit(before: string): Promise<number>;
  /** The statistics' rollups, kept by every commit and import (server/stats). */
  readonly statistics: StatsReader;
  close(): Promise<void>;
}
