import { onBeforeUnmount } from 'vue';
import { useRouter } from 'vue-router';
import type { IncidentSummary } from '../../../shared/domain/incidents.js';
import type { Warning } from '../../../shared/domain/warnings.js';
import type { Delta, Kpis } from '../../../shared/realtime/events.js';
import { alertFor, type AlertSeen } from '../alerts/alert-for.js';
import { connectLive } from '../api/live.js';
import { onNextBeat } from './beat.js';
import { paintAtOnce } from './useThrottledRevision.js';
import { useCamerasStore } from '../stores/cameras.js';
import { useIncidentsStore } from '../stores/incidents.js';
import { useLiveStore } from '../stores/live.js';
import { useSessionStore } from '../stores/session.js';

/**
 * Feeds the stores from the socket for as long as the calling screen lives. Deltas are
 * coalesced per animation frame, so a burst re-renders once; a batch that calls for an alert (a
 * critical incident, a red warning: alerts/alert-for.ts) goes in at once, is published as
 * `live.alerts`, and passes every view's throttle (`paintAtOnce`).
 */
export function useLiveFeed(): void {
  const session = useSessionStore();
  const incidents = useIncidentsStore();
  const cameras = useCamerasStore();
  const live = useLiveStore();
  const router = useRouter();
  if (!session.token) return;

  let pending: Delta[] = [];
  let scheduled = false;
  let frame: number | undefined;
  let flushTimer: number | undefined;
  const flush = () => {
    scheduled = false;
    if (frame !== undefined) cancelAnimationFrame(frame);
    window.clearTimeout(flushTimer);
    frame = flushTimer = undefined;
    const batch = pending;
    pending = [];
    const changed: IncidentSummary[] = [];
    const warnings: Warning[] = [];
    for (const d of batch) {
      if (d.type === 'incident') changed.push(d.incident);
      else if (d.type === 'camera') cameras.setStatus(d.cameraId, d.status);
      else if (d.type === 'warning') warnings.push(d.warning);
    }
    if (warnings.length) live.updateWarnings(warnings);
    if (changed.length) {
      const fresh = changed.filter((i) => !incidents.get(i.id));
      incidents.upsert(changed);
      if (fresh.length) live.arrivals = fresh;
    }
    live.touch();
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    // A hidden page gets no animation frames; keep it current anyway. A page hidden after the
    // frame was asked for, or starved of frames, would hold every later batch until it drew
    // again: the timer flushes within a second whatever happens to the frame.
    if (!document.hidden) frame = requestAnimationFrame(flush);
    flushTimer = window.setTimeout(flush, document.hidden ? 250 : 1_000);
  };
  /** What the screen holds before a batch goes in, read without tracking. */
  const seen: AlertSeen = {
    incident: (id) => incidents.peek(id)?.severity,
    warning: (id) => live.warnings.some((w) => w.id === id),
  };

  // Pushed once a second at the server's own phase; shown on this screen's beat, as is the stamp.
  const showKpis = onNextBeat(1_000, (k: Kpis) => (live.kpis = k));
  const socket = connectLive(session.token, {
    snapshot(s) {
      pending = [];
      showKpis.cancel();
      incidents.reset(s.incidents);
      cameras.resetStatus(s.cameras);
      // Kept active only and most urgent first, whatever order they came in.
      live.resetWarnings(s.warnings);
      live.kpis = s.kpis;
      live.patrols = s.patrols;
      // A server from before grid workers went live sends none.
      live.workers = s.workers ?? [];
      live.touch();
    },
    deltas(d) {
      // Against the stores as they are: an earlier batch still pending held no alert, or it
      // would have gone in at once.
      const alerts = alertFor(d, seen);
      pending.push(...d);
      if (!alerts.length) return schedule();
      flush();
      live.alerts = alerts;
      paintAtOnce();
    },
    kpis(k) {
      showKpis(k);
      live.touch();
    },
    patrols(p) {
      live.patrols = p;
    },
    workers(w) {
      live.workers = w;
    },
    wall(push) {
      live.wallPush = push;
    },
    videoPatrols(change) {
      live.videoPatrolsChange = change;
    },
    status(connected, error) {
      live.connected = connected;
      live.error = error;
      if (error?.startsWith('unauthorized')) {
        // The session ended on the server: back to the login, to come back here after it.
        session.forget();
        socket.close();
        void router.replace({
          path: '/login',
          query: { next: router.currentRoute.value.fullPath },
        });
      }
      // The server was updated under a screen left open: fetch the build that reads it.
      if (error?.startsWith('outdated')) location.reload();
    },
  });
  onBeforeUnmount(() => {
    if (frame !== undefined) cancelAnimationFrame(frame);
    window.clearTimeout(flushTimer);
    showKpis.cancel();
    socket.close();
  });
}
