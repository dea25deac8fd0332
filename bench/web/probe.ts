/**
 * In-page instrumentation, installed before the app's own scripts (`page.addInitScript`), so the
 * app needs no changes:
 * - a `longtask` PerformanceObserver (every main-thread task over 50 ms, from page start);
 * - a `long-animation-frame` observer, whose script attribution says what the slow frames ran;
 * - a requestAnimationFrame loop, running only between `start()` and `stop()`, recording the
 *   interval between frames;
 * - a wrapper around WebSocket that counts the deltas arriving on the live stream (Socket.IO text
 *   frames `42["deltas",[…]]`, by their packed openings, without parsing) and notes the snapshot.
 * Kept as plain JavaScript text: a function serialized from this file would carry the
 * TypeScript runner's helpers with it.
 */
export const PROBE_SCRIPT = String.raw`(() => {
  const b = {
    deltas: 0,
    deltaMessages: 0,
    snapshotAt: 0,
    snapshotBytes: 0,
    tasks: [],
    loafs: [],
  };
  window.__bench = b;

  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const d = e.data;
        if (typeof d !== 'string') return;
        if (d.startsWith('42["deltas",')) {
          // Counted without parsing (the app parses it already): each packed delta opens with
          // [seq,"at",kind, (shared/realtime/wire.ts), which nothing inside an incident does.
          b.deltas += (d.match(/\[\d+,"[^"]{24}",[01],/g) || []).length;
          b.deltaMessages += 1;
        } else if (d.startsWith('42["snapshot",')) {
          b.snapshotAt = performance.now();
          b.snapshotBytes = d.length;
        }
      });
    }
  };

  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.tasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  const file = (url) => (url || '').replace(/^.*\//, '').replace(/\?.*$/, '');
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        b.loafs.push({
          start: e.startTime,
          duration: e.duration,
          blocking: e.blockingDuration,
          render: e.renderStart ? e.startTime + e.duration - e.renderStart : 0,
          styleLayout: e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0,
          scripts: (e.scripts || []).map((s) => ({
            what:
              s.invokerType + ' ' + s.invoker + ' @' + file(s.sourceURL) + ':' +
              s.sourceCharPosition + (s.sourceFunctionName ? ' ' + s.sourceFunctionName : ''),
            duration: s.duration,
            forced: s.forcedStyleAndLayoutDuration,
          })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {}

  let frames = [];
  let running = false;
  // Frames in which the page drew with WebGL: the map's renders (the video tiles are dark and
  // the charts draw on 2D canvases). Each one is a full-screen composite in software here.
  let tickNo = 0;
  let drawnTick = -1;
  let glFrames = 0;
  for (const Context of [window.WebGLRenderingContext, window.WebGL2RenderingContext])
    for (const name of ['drawElements', 'drawArrays']) {
      const draw = Context && Context.prototype[name];
      if (!draw) continue;
      Context.prototype[name] = function (...args) {
        if (running && drawnTick !== tickNo) {
          drawnTick = tickNo;
          glFrames += 1;
        }
        return draw.apply(this, args);
      };
    }
  let t0 = 0;
  let d0 = 0;
  let m0 = 0;
  b.start = () => {
    frames = [];
    glFrames = 0;
    running = true;
    t0 = performance.now();
    d0 = b.deltas;
    m0 = b.deltaMessages;
    let last = -1;
    const tick = (t) => {
      if (!running) return;
      if (last >= 0) frames.push(t - last);
      last = t;
      tickNo += 1;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  };
  b.stop = () => {
    running = false;
    const t1 = performance.now();
    const sorted = [...frames].sort((x, y) => x - y);
    const at = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0);
    const tasks = b.tasks.filter(([s]) => s >= t0 && s < t1).map(([, d]) => d);
    const loafs = b.loafs.filter((l) => l.start >= t0 && l.start < t1);
    const byScript = new Map();
    for (const l of loafs)
      for (const s of l.scripts) {
        const o = byScript.get(s.what) || { what: s.what, count: 0, total: 0, max: 0, forced: 0 };
        o.count += 1;
        o.total += s.duration;
        o.max = Math.max(o.max, s.duration);
        o.forced += s.forced;
        byScript.set(s.what, o);
      }
    return {
      seconds: (t1 - t0) / 1000,
      frames: frames.length,
      glFrames,
      over50: frames.filter((f) => f > 50).length,
      p50: at(0.5),
      p95: at(0.95),
      p99: at(0.99),
      maxFrame: sorted.length ? sorted[sorted.length - 1] : 0,
      longTasks: tasks.length,
      maxLongTask: tasks.length ? Math.max(...tasks) : 0,
      blockingMs: tasks.reduce((s, d) => s + Math.max(0, d - 50), 0),
      longFrames: loafs.length,
      longFrameRenderMs: loafs.reduce((s, l) => s + l.render, 0),
      longFrameStyleLayoutMs: loafs.reduce((s, l) => s + l.styleLayout, 0),
      topScripts: [...byScript.values()].sort((x, y) => y.total - x.total).slice(0, 8),
      deltas: b.deltas - d0,
      deltaMessages: b.deltaMessages - m0,
    };
  };

  /** The app's Pinia store, read without app changes (Vue sets __vue_app__ on the root). */
  const store = (name) =>
    document.querySelector('#app').__vue_app__.config.globalProperties.$pinia._s.get(name);
  b.incidentCount = () => {
    try {
      return store('incidents') ? [...store('incidents').snapshot()].length : -1;
    } catch {
      return -1;
    }
  };
  b.mapIncidents = () => {
    const ids = document.querySelector('.city-map')?.dataset.incidents;
    return ids ? ids.split(' ').length : 0;
  };
  /** How many of these (id, version) pairs the store holds at that version or later. */
  b.holds = (pairs) => {
    const s = store('incidents');
    let ok = 0;
    for (const [id, v] of pairs) if ((s.get(id)?.version ?? 0) >= v) ok += 1;
    return ok;
  };
})();`;

export interface ScriptCost {
  what: string;
  count: number;
  total: number;
  max: number;
  forced: number;
}

export interface PhaseStats {
  seconds: number;
  frames: number;
  /** Frames in which the map drew. */
  glFrames: number;
  over50: number;
  p50: number;
  p95: number;
  p99: number;
  maxFrame: number;
  longTasks: number;
  maxLongTask: number;
  blockingMs: number;
  longFrames: number;
  longFrameRenderMs: number;
  longFrameStyleLayoutMs: number;
  topScripts: ScriptCost[];
  deltas: number;
  deltaMessages: number;
}
