import { onBeforeUnmount, shallowRef, watch } from 'vue';
import type { TourPlan } from '../../../shared/domain/video-patrols.js';
import { patrolPage, type PatrolPage } from '../../../shared/video-patrols/schedule.js';
import {
  endVideoPatrol,
  endVideoPatrolAsPageCloses,
  startVideoPatrol,
} from '../api/video-patrols.js';
import { useSessionStore } from '../stores/session.js';
import { useVideoPatrolsStore } from '../stores/video-patrols.js';
import { useWallStore } from '../stores/wall.js';
import type { WallLayout } from '../video/layouts.js';

/** A plan running on this screen's tiles, and the page it is on. */
export interface PatrolRun {
  plan: TourPlan;
  /** When the run's paging began (ms): the schedule window's start on a wall, the click on a desk. */
  startedAt: number;
  page: PatrolPage;
}

/**
 * Runs a tour plan (视频巡查) on this screen's tiles: `tiles` cameras at a time, the next page
 * every `dwellSeconds`, the page reckoned from the run's start so walls agree. While `held`
 * (a push or a linkage holds the wall) the tiles are left alone and the pages go on counting.
 * With `record`, the run goes into the patrol log: its start, and at its end the cameras it
 * actually showed.
 */
export function usePatrolRun(options: { held?: () => boolean; record: () => boolean }) {
  const wall = useWallStore();
  const store = useVideoPatrolsStore();
  const session = useSessionStore();
  const run = shallowRef<PatrolRun>();
  /** The log's id for the run, once the server has answered. */
  let recordedId: string | undefined;
  /** The layout before the run, put back after it. */
  let layoutBefore: WallLayout | undefined;
  let timer: number | undefined;
  let recording: Promise<string | undefined> | undefined;
  const shown = new Set<string>();

  function showPage(): void {
    const current = run.value;
    if (!current) return;
    const { plan, startedAt } = current;
    const page = patrolPage(plan.cameraIds, plan.tiles, plan.dwellSeconds, startedAt, Date.now());
    run.value = { ...current, page };
    if (!options.held?.()) {
      if (wall.layout !== plan.tiles) wall.setLayout(plan.tiles);
      wall.show(page.cameraIds, { kind: 'patrol', planId: plan.id });
      for (const id of page.cameraIds) shown.add(id);
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(showPage, Math.max(50, page.nextAt - Date.now()));
  }

  function start(plan: TourPlan, startedAt = Date.now()): void {
    stop();
    if (!plan.cameraIds.length) return;
    layoutBefore = wall.layout;
    shown.clear();
    run.value = {
      plan,
      startedAt,
      page: patrolPage(plan.cameraIds, plan.tiles, plan.dwellSeconds, startedAt, Date.now()),
    };
    showPage();
    // The log is a record, not a condition: a run whose start could not be written still runs.
    recording = options.record()
      ? startVideoPatrol(plan.id, plan.cameraIds).then(
          (p) => (run.value?.plan.id === plan.id ? (recordedId = p.id) : p.id),
          () => undefined,
        )
      : undefined;
  }

  function stop(): void {
    const current = run.value;
    if (!current) return;
    window.clearTimeout(timer);
    run.value = undefined;
    recordedId = undefined;
    const ids = current.plan.cameraIds.filter((id) => shown.has(id));
    void recording?.then((id) => (id ? endVideoPatrol(id, ids) : undefined)).catch(() => undefined);
    recording = undefined;
    if (layoutBefore !== undefined && !options.held?.()) wall.setLayout(layoutBefore);
  }

  // A plan changed while it runs goes on with its new cameras and timing; one deleted stops.
  watch(
    () => store.plans,
    (plans) => {
      const current = run.value;
      if (!current) return;
      const plan = plans.find((p) => p.id === current.plan.id);
      if (!plan || !plan.cameraIds.length) return stop();
      if (plan.version !== current.plan.version) {
        run.value = { ...current, plan };
        showPage();
      }
    },
  );
  // Once a push or a linkage lets go, the run's current page comes back.
  watch(
    () => options.held?.(),
    (held) => !held && run.value && showPage(),
  );
  // A page closing ends its run in the log too, as far as the browser lets a request go out.
  const onPageHide = () => {
    const current = run.value;
    if (!current || !recordedId) return;
    const ids = current.plan.cameraIds.filter((id) => shown.has(id));
    endVideoPatrolAsPageCloses(recordedId, ids, session.token);
  };
  window.addEventListener('pagehide', onPageHide);
  onBeforeUnmount(() => {
    window.removeEventListener('pagehide', onPageHide);
    stop();
  });

  return { run, start, stop };
}
