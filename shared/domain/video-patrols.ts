import { z } from 'zod';
import { IdSchema, type Role } from './common.js';

/**
 * Video patrols (视频巡查 / 轮巡): a tour plan names cameras, how long each page of them stays up
 * and when the walls run it; a patrol is one run of a plan, by a desk user or a wall, kept in the
 * patrol log (巡查记录). Named "video patrol" in code: a bare "patrol" is a patrol team (巡逻队).
 */

/** Tiles per page: the wall layouts a plan pages through (a square grid each). */
export const TOUR_TILES = [1, 4, 9, 16] as const;
export type TourTiles = (typeof TOUR_TILES)[number];
/** How long one page stays up, in seconds: long enough to look, short enough to be a tour. */
export const DWELL_SECONDS = { min: 5, max: 600 } as const;
/** A key place's cameras: those standing within this distance of it, nearest first. */
export const KEY_PLACE_RADIUS_M = 300;
/** The most cameras one plan names or resolves to (a street's can be many: the first ones). */
export const MAX_PLAN_CAMERAS = 256;

/** Who edits plans: the people who run the walls and the officers on duty; walls never. */
export const TOUR_PLAN_EDITORS: readonly Role[] = ['duty', 'operator'];
/** Who reads plans and the patrol log: the centre's own people, leaders included. */
export const VIDEO_PATROL_READERS: readonly Role[] = ['duty', 'operator', 'leader'];
/** Who records a patrol (a desk running a plan, a wall running a scheduled one). */
export const VIDEO_PATROL_RECORDERS: readonly Role[] = ['duty', 'operator'];

/** A plan's cameras: named one by one, or a rule resolved against the city when it runs. */
export const TourCamerasSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('list'),
    ids: z
      .array(IdSchema)
      .min(1)
      .max(MAX_PLAN_CAMERAS)
      .refine((ids) => new Set(ids).size === ids.length, 'a camera is named twice'),
  }),
  /** 重点场所: the cameras around a key place. */
  z.object({ kind: z.literal('key-place'), id: IdSchema }),
  /** A street's (街道) cameras: those in its grids. */
  z.object({ kind: z.literal('street'), id: IdSchema }),
]);
export type TourCameras = z.infer<typeof TourCamerasSchema>;

/** 'HH:mm' on the centre's clock. */
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
/** A schedule's hours from the start of a day to its end. */
export const ALL_DAY = { from: '00:00', to: '24:00' } as const;

/** The end may be 24:00, the end of the day. */
const END_TIME = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

/**
 * When the walls run a plan, on the centre's clock: on these days of the week (1 Monday … 7
 * Sunday) from `from` to `to`. A `to` earlier than `from` runs past midnight into the next
 * day (a night patrol, 22:00–06:00); the day is the one the window starts on.
 */
export const TourScheduleSchema = z
  .object({
    days: z
      .array(z.number().int().min(1).max(7))
      .min(1)
      .max(7)
      .refine((d) => new Set(d).size === d.length, 'a day is named twice'),
    from: z.string().regex(TIME, 'a time is HH:mm, 00:00–23:59'),
    to: z.string().regex(END_TIME, 'a time is HH:mm, 00:00–24:00'),
  })
  .refine((s) => s.from !== s.to, { path: ['to'], message: 'to must differ from from' });
export type TourSchedule = z.infer<typeof TourScheduleSchema>;

/** What a desk sends to make or change a plan. */
export const TourPlanInputSchema = z.object({
  name: z.string().trim().min(1).max(60),
  cameras: TourCamerasSchema,
  dwellSeconds: z.number().int().min(DWELL_SECONDS.min).max(DWELL_SECONDS.max),
  tiles: z.literal(TOUR_TILES),
  /** null: run by hand only, never by the clock. */
  schedule: TourScheduleSchema.nullable(),
  /** The walls that run it on schedule, by device name, or every wall. */
  walls: z.union([
    z.literal('all'),
    z
      .array(z.string().min(1).max(64))
      .min(1)
      .max(64)
      .refine((w) => new Set(w).size === w.length, 'a wall is named twice'),
  ]),
});
export type TourPlanInput = z.infer<typeof TourPlanInputSchema>;

/** A plan as stored and read back. */
export interface TourPlan extends TourPlanInput {
  id: string;
  /** The sub-centre region the plan belongs to; absent: the city's centre. */
  regionId?: string;
  /** Bumped by every change; a change names the version it read (409 when stale). */
  version: number;
  updatedAt: string;
  /** Who last changed it, by name. */
  updatedBy: string;
  /**
   * Its cameras as the city has them now, for whoever reads: a rule resolved, a camera the
   * city dropped or one outside the reader's area left out.
   */
  cameraIds: string[];
}

/** One note on a patrol: what the person watching saw (e.g. "3号摄像头画面模糊"). */
export interface VideoPatrolNote {
  at: string;
  by: string;
  text: string;
}

/** One run of a plan, as the patrol log keeps it. */
export interface VideoPatrol {
  id: string;
  planId: string;
  /** The plan's name when it ran (a plan renamed or deleted later keeps its log). */
  planName: string;
  /** Who: a user's username or a wall's `device:<name>`; and the name shown. */
  actor: string;
  actorName: string;
  /** A wall running the plan on schedule, or a person at a desk. */
  by: 'wall' | 'desk';
  /** The cameras shown, in order. */
  cameraIds: string[];
  startedAt: string;
  /** Absent while it runs (or when the screen went away without saying). */
  endedAt?: string;
  notes: VideoPatrolNote[];
}

/** Starting a patrol: the plan, and the cameras the run will page through. */
export const VideoPatrolStartSchema = z.object({
  planId: IdSchema,
  cameraIds: z.array(IdSchema).max(MAX_PLAN_CAMERAS).default([]),
});
/** Ending one: the cameras actually shown (pages reached). */
export const VideoPatrolEndSchema = z.object({
  cameraIds: z.array(IdSchema).max(MAX_PLAN_CAMERAS).optional(),
});
export const VideoPatrolNoteSchema = z.object({ text: z.string().trim().min(1).max(500) });
/** `?date=YYYY-MM-DD`: a day on the centre's calendar. */
export const VideoPatrolDaySchema = z.object({
  date: z.iso.date('a date is YYYY-MM-DD'),
});
