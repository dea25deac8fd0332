import { computed, onBeforeUnmount, shallowRef, watch, type Ref } from 'vue';
import type { IncidentSummary } from '../../../shared/domain/incidents.js';
import type { RegionLevel } from '../../../shared/domain/regions.js';
import { SEVERITIES } from '../../../shared/domain/vocabulary.js';
import type { WallCommand, WallPush } from '../../../shared/realtime/events.js';
import { isOverdue } from '../../../shared/workflow/apply.js';
import { isOpenState } from '../../../shared/workflow/rules.js';
import { useCamerasStore } from '../stores/cameras.js';
import { useCityStore } from '../stores/city.js';
import { useIncidentsStore } from '../stores/incidents.js';
import { useLiveStore } from '../stores/live.js';
import { useSessionStore } from '../stores/session.js';
import { useWallStore } from '../stores/wall.js';
import { camerasForIncident, LINKAGE_SEVERITIES } from '../video/linkage.js';
import { tourCameras, type TourView } from '../video/tour.js';

/** How long an automatic linkage stays on the wall before another as grave may replace it. */
const LINKAGE_DWELL_MS = 30_000;

const gravity = (i: IncidentSummary) => SEVERITIES.indexOf(i.severity);

/** A replay pushed to the wall (复盘), and when this wall heard it (its own clock, ms). */
export interface WallReplay {
  command: Extract<WallCommand, { kind: 'replay' }>;
  by: string;
  heardAt: number;
}

/** Something that holds the wall for a while instead of its tour. */
export type WallOverride =
  { kind: 'push'; push: WallPush } | { kind: 'linkage'; incident: IncidentSummary };

/**
 * Decides what the wall shows. By default its tour (the view from the rotation, with cameras to
 * match); a push addressed to this wall, or a new high-severity incident (联动), takes over for
 * `holdSeconds` and then the tour resumes. A push is never interrupted by an automatic linkage.
 */
export function useWallDirector(options: {
  view: Ref<TourView | undefined>;
  holdSeconds: number;
  /** Cameras fixed by the wall's URL: the tour then keeps them instead of touring cameras. */
  presetCameras: string[];
  /**
   * The level of the regions the tour visits: the city's wall tours districts, a street's wall
   * its communities.
   */
  tourLevel?: Ref<RegionLevel>;
  /** A tour plan runs (视频巡查): it has the tiles, and the tour waits until it ends. */
  paused?: Ref<boolean>;
}) {
  const wall = useWallStore();
  const live = useLiveStore();
  const city = useCityStore();
  const cameras = useCamerasStore();
  const incidents = useIncidentsStore();
  const session = useSessionStore();
  const override = shallowRef<WallOverride>();
  /** A replay holds the wall until the desk ends it (or pushes anything else). */
  const replay = shallowRef<WallReplay>();
  let holdTimer: number | undefined;

  function hold(next: WallOverride): void {
    override.value = next;
    window.clearTimeout(holdTimer);
    holdTimer = window.setTimeout(() => (override.value = undefined), options.holdSeconds * 1000);
  }

  function link(incident: IncidentSummary, why: WallOverride): void {
    hold(why);
    const ids = camerasForIncident(incident, cameras.withHealth);
    if (ids.length) wall.show(ids, { kind: 'linkage', incidentId: incident.id }, true);
  }

  watch(
    () => live.wallPush,
    (push) => {
      if (!push || (push.target !== 'all' && push.target !== session.wallName)) return;
      const c = push.command;
      if (c.kind === 'replay') {
        replay.value = { command: c, by: push.by, heardAt: performance.now() };
        return;
      }
      replay.value = undefined;
      if (c.kind === 'live') return;
      if (c.kind === 'incident') {
        const incident = incidents.get(c.incidentId);
        if (incident) return link(incident, { kind: 'push', push });
      }
      hold({ kind: 'push', push });
      if (c.kind === 'cameras') wall.show(c.cameraIds, { kind: 'push', by: push.by }, true);
      if (c.kind === 'layout') wall.setLayout(c.layout);
    },
  );

  let linkedAt = -Infinity;
  watch(
    () => live.arrivals,
    (arrivals) => {
      const current = override.value;
      if (current?.kind === 'push') return;
      const grave = arrivals
        .filter((i) => LINKAGE_SEVERITIES.includes(i.severity))
        .sort((a, b) => gravity(b) - gravity(a))[0];
      if (!grave) return;
      // A burst of grave reports must not flip the tiles every second: a linkage stays up for
      // a while unless something graver comes.
      const settled = performance.now() - linkedAt >= LINKAGE_DWELL_MS;
      if (current?.kind === 'linkage' && !settled && gravity(grave) <= gravity(current.incident))
        return;
      linkedAt = performance.now();
      link(grave, { kind: 'linkage', incident: grave });
    },
  );

  function tour(): void {
    const view = options.view.value;
    if (!view || !cameras.list.length) return;
    const now = new Date();
    const overdue = [...incidents.snapshot()].filter(
      (i) => isOpenState(i.state) && isOverdue(i, now),
    );
    const ids = options.presetCameras.length
      ? options.presetCameras
      : tourCameras(
          view,
          cameras.withHealth,
          (c) => city.ancestor(c.regionId, options.tourLevel?.value ?? 'district')?.id,
          overdue,
          wall.layout,
        );
    wall.show(ids, { kind: 'tour' });
  }
  watch(
    [
      options.view,
      override,
      () => cameras.list,
      () => city.regionById,
      () => options.paused?.value,
    ],
    () => override.value === undefined && !options.paused?.value && tour(),
    { immediate: true },
  );
  onBeforeUnmount(() => window.clearTimeout(holdTimer));

  /** The incident the wall is on, if any: outlined on the map, flown to. */
  const incident = computed(() => {
    const o = override.value;
    if (o?.kind === 'linkage') return o.incident;
    const c = o?.push.command;
    return c?.kind === 'incident' ? incidents.get(c.incidentId) : undefined;
  });
  const region = computed(() => {
    const c = override.value?.kind === 'push' ? override.value.push.command : undefined;
    if (c?.kind === 'region') return c.regionId;
    if (override.value) return undefined;
    const v = options.view.value;
    return v?.kind === 'region' ? v.id : undefined;
  });

  return { override, incident, region, replay };
}
