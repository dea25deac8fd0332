import type { CameraStatus } from '../domain/cameras.js';
import type { LngLat } from '../domain/common.js';
import type { ErrorInfo } from '../errors.js';
import type { Category, IncidentSummary } from '../domain/incidents.js';
import type { PatrolStatus } from '../domain/organisation.js';
import type { Warning } from '../domain/warnings.js';
import type { ReplaySpeed } from '../replay/replay.js';
import type { PackedDelta, PackedSnapshot } from './wire.js';

/**
 * The Socket.IO contract. A client connects with `auth: { token, wire, lastSeq? }`; the server answers
 * with a snapshot stamped with a sequence number, or, when `lastSeq` is recent enough, with
 * exactly the deltas it missed. Every durable change is then one delta, in sequence order.
 * Snapshots and deltas travel packed (wire.ts).
 */
export interface ServerToClientEvents {
  snapshot: (snapshot: PackedSnapshot) => void;
  deltas: (deltas: PackedDelta[]) => void;
  /** Derived figures, pushed at most once a second; not part of the sequence. */
  kpis: (kpis: Kpis) => void;
  /** Live patrol positions; ephemeral, so not part of the sequence either. */
  patrols: (patrols: PatrolPosition[]) => void;
  /** Grid workers on duty and where their phones last were; ephemeral too. */
  workers: (workers: WorkerPosition[]) => void;
  /** Something a desk pushed to the walls; momentary, so not part of the sequence. */
  wall: (push: WallPush) => void;
  /** Tour plans or the patrol log changed (视频巡查): screens read them again, over REST. */
  videoPatrols: (change: { what: 'plans' | 'log'; at: string }) => void;
}

/**
 * Commands over the socket: only what is momentary. Incidents are acted on over REST
 * (POST /api/v1/incidents/:id/actions), the one path every screen and integration uses.
 */
export interface ClientToServerEvents {
  'wall:push': (request: WallPushRequest, ack: (result: CommandResult<WallPush>) => void) => void;
}

export const WALL_LAYOUTS = [1, 4, 6, 9, 16] as const;
/** Who may push to the walls: the people who run them and the officers on duty. */
export const WALL_PUSH_ROLES = ['duty', 'operator'] as const;
export type WallLayout = (typeof WALL_LAYOUTS)[number];

/** What a desk can put on a wall. */
export type WallCommand =
  | { kind: 'incident'; incidentId: string }
  | { kind: 'region'; regionId: string }
  | { kind: 'cameras'; cameraIds: string[] }
  | { kind: 'layout'; layout: WallLayout }
  /** 复盘 on the wall: the stretch, where it is in it, and whether and how fast it plays. */
  | {
      kind: 'replay';
      from: string;
      to: string;
      position: string;
      speed: ReplaySpeed;
      playing: boolean;
      /** A region to replay; the wall's whole area when absent. */
      area?: string;
    }
  /** Back to live after a replay. */
  | { kind: 'live' };

export interface WallPushRequest {
  /** A wall's device name, or 'all'. */
  target: string;
  command: WallCommand;
}

export interface WallPush extends WallPushRequest {
  by: string;
  at: string;
}

export interface HandshakeAuth {
  token: string;
  /** The packed form the client reads (`WIRE_VERSION`); another is refused as outdated. */
  wire: number;
  /** The last sequence number this client applied; omit for a fresh snapshot. */
  lastSeq?: number;
}

/** A command's answer; a refusal has the REST status and error body, code and all. */
export type CommandResult<T> =
  { ok: true; value: T } | { ok: false; status: number; error: ErrorInfo };

interface DeltaBase {
  seq: number;
  at: string;
}
export type Delta =
  | (DeltaBase & { type: 'incident'; incident: IncidentSummary })
  | (DeltaBase & { type: 'camera'; cameraId: string; status: CameraStatus })
  | (DeltaBase & { type: 'warning'; warning: Warning });

export interface Snapshot {
  seq: number;
  at: string;
  /** Open incidents and those finished today. */
  incidents: IncidentSummary[];
  cameras: { id: string; status: CameraStatus }[];
  /** Warnings not yet resolved (预警), most urgent first. */
  warnings: Warning[];
  patrols: PatrolPosition[];
  workers: WorkerPosition[];
  kpis: Kpis;
}

export interface PatrolPosition {
  id: string;
  position: LngLat;
  heading: number;
  status: PatrolStatus;
}

/** A grid worker on duty (在岗): the last position the phone sent. */
export interface WorkerPosition {
  id: string;
  position: LngLat;
  /** When the fix was taken. */
  at: string;
  /** The fix's accuracy in metres, when the phone said. */
  accuracy?: number;
}

export interface StreetKpi {
  streetId: string;
  intake: number;
  resolved: number;
  overdue: number;
  /** Governance index for the ranking (指数排行), 0-100, higher is better. */
  score: number;
}

export interface Kpis {
  at: string;
  /** The centre's local calendar day the figures are for. */
  day: string;
  /** Incidents reported today. */
  intake: number;
  /** Of today's intake, how many are closed or evaluated. */
  resolved: number;
  /** Of today's intake, settled on the spot by grid workers (自行处置), closed in one step. */
  selfHandled: number;
  /** Of today's intake, answered at the reception there and then (即办). */
  immediate: number;
  /** 化解率: resolved / accepted intake (rejected ones left out), 0-1. */
  resolutionRate: number;
  /** Of incidents finished today, the share that never passed a deadline, 0-1. */
  onTimeRate: number;
  /** Open incidents past a deadline now. */
  overdue: number;
  open: number;
  byCategory: Record<Category, number>;
  /** Today's intake per local hour, 24 entries. */
  hourly: number[];
  streets: StreetKpi[];
  camerasOnline: number;
  camerasTotal: number;
  cameraOnlineRate: number;
}
