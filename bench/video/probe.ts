/**
 * Injected into each wall page before its scripts run. It changes nothing in the app: it only
 * watches the tiles' own attributes (`data-camera`, `data-state`, `data-first-frame-ms`,
 * `data-stalls`) with a MutationObserver and logs every change with its time, so that no first
 * frame, state change or stall is missed between two polls, and it answers a snapshot of the
 * tiles and their videos on demand. It also keeps the page's uncaught errors, and its requests to
 * our server as Resource Timing reports them (see network.ts).
 */
export const PROBE_SCRIPT = `(() => {
  const ATTRS = ['data-camera', 'data-state', 'data-first-frame-ms', 'data-stalls'];
  const log = [];
  const errors = [];
  const requests = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (!e.name.startsWith(location.origin + '/')) continue;
      requests.push({
        path: e.name.slice(location.origin.length),
        start: e.startTime,
        sent: e.requestStart,
        end: e.responseEnd,
        // A reused connection reports its connect times equal to the fetch's start.
        connected: e.connectEnd > e.fetchStart,
        status: e.responseStatus,
      });
    }
  }).observe({ type: 'resource' });
  addEventListener('error', (e) => errors.push(e.message));
  addEventListener('unhandledrejection', (e) => errors.push(String(e.reason?.message ?? e.reason)));
  const observer = new MutationObserver((records) => {
    const now = performance.now();
    for (const r of records) {
      const el = r.target;
      if (!(el instanceof Element) || !el.hasAttribute('data-tile')) continue;
      log.push({
        t: now,
        slot: Number(el.getAttribute('data-slot')),
        camera: el.getAttribute('data-camera'),
        attr: r.attributeName,
        value: el.getAttribute(r.attributeName),
      });
    }
  });
  observer.observe(document, { subtree: true, attributes: true, attributeFilter: ATTRS });
  // Tiles created with their attributes already set are reported once, as if they changed.
  const seen = new WeakSet();
  const adopt = () => {
    const now = performance.now();
    for (const el of document.querySelectorAll('[data-tile]')) {
      if (seen.has(el)) continue;
      seen.add(el);
      for (const attr of ATTRS)
        if (el.hasAttribute(attr))
          log.push({
            t: now,
            slot: Number(el.getAttribute('data-slot')),
            camera: el.getAttribute('data-camera'),
            attr,
            value: el.getAttribute(attr),
          });
    }
  };
  new MutationObserver(adopt).observe(document, { subtree: true, childList: true });
  window.__videoBench = {
    /** The changes, uncaught errors and finished requests since the last call. */
    drain() {
      adopt();
      return { events: log.splice(0), errors: errors.splice(0), requests: requests.splice(0) };
    },
    tiles() {
      return [...document.querySelectorAll('[data-tile]')].map((el) => {
        const v = el.querySelector('video');
        const q = v && v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality() : undefined;
        return {
          slot: Number(el.getAttribute('data-slot')),
          camera: el.getAttribute('data-camera'),
          state: el.getAttribute('data-state'),
          firstFrameMs: el.hasAttribute('data-first-frame-ms')
            ? Number(el.getAttribute('data-first-frame-ms'))
            : undefined,
          stalls: Number(el.getAttribute('data-stalls') || 0),
          hasVideo: !!v,
          currentTime: v ? v.currentTime : -1,
          frames: q ? q.totalVideoFrames : 0,
          dropped: q ? q.droppedVideoFrames : 0,
          width: v ? v.videoWidth : 0,
        };
      });
    },
  };
})();`;

export interface TileEvent {
  /** performance.now() in the page. */
  t: number;
  slot: number;
  camera: string | null;
  attr: 'data-camera' | 'data-state' | 'data-first-frame-ms' | 'data-stalls';
  value: string | null;
}

export interface TileSnapshot {
  slot: number;
  camera: string | null;
  state: string | null;
  firstFrameMs?: number;
  stalls: number;
  hasVideo: boolean;
  currentTime: number;
  frames: number;
  dropped: number;
  width: number;
}
