import {
  distanceMetres,
  isOpenState,
  type Actor,
  type Area,
  type City,
  type Delta,
  type IncidentSummary,
  type KeyPlace,
  type LngLat,
  type Warning,
  type WarningFacts,
  type WarningLevel,
  type WarningMark,
  type WarningRule,
} from '../../shared/index.js';
import type { AuditLog } from '../audit/audit-log.js';
import { HttpError } from '../http-error.js';
import type { Scopes } from '../levels/scopes.js';
import type { Board } from '../live/board.js';
import type { DeltaBus, WriteQueue } from '../live/bus.js';
import type { Clock } from '../live/clock.js';
import type { CentreDay } from '../live/day.js';
import { moduleLog } from '../log.js';
import type { Store } from '../store/store.js';
import type { WarningsConfig } from './config.js';
import { GridSurge, type Surge } from './grid-surge.js';
import { RecentMatters } from './recent-matters.js';

const log = moduleLog('warnings');

/** A warning as the store keeps it: with the key of its rule and subject (one active per key). */
export type KeyedWarning = Warning & { key: string };

/** How often the rules that watch time (overdue piles, quiet places) look, and changes go out. */
export const WARNING_TICK_MS = 10_000;
/** A repeat warning lists at most this many of its matters, the newest. */
const MAX_INCIDENT_IDS = 50;
const DAY_MS = 86_400_000;
/** How often each grid's counts are read again from the store (the week rolls on). */
const SURGE_REFRESH_MS = 3_600_000;

/** What a rule found: a warning to raise, or to bring up to date. */
interface Finding {
  key: string;
  rule: WarningRule;
  level: WarningLevel;
  facts: WarningFacts;
  location?: LngLat;
  area?: Area;
  incidentIds: string[];
}

export interface WarningDeps {
  store: Store;
  bus: DeltaBus;
  queue: WriteQueue;
  board: Board;
  city: Pick<City, 'cameras' | 'keyPlaces'>;
  scopes: Scopes;
  clock: Clock;
  day: CentreDay;
  audit: AuditLog;
  config: WarningsConfig;
}

/**
 * Early warning (预警): watches the delta stream and the clock with the configured rules, raises
 * a warning once per rule and subject, keeps it up to date while its cause lasts, and resolves it
 * by itself when the cause goes away; people acknowledge (确认) and resolve (解除) it. Every change
 * is a durable, sequenced delta like an incident's, so every screen sees it at once and a screen
 * that was away catches up.
 */
export class WarningService {
  /** Active warnings by key; the truth for decisions, written through the queue in order. */
  private readonly active = new Map<string, KeyedWarning>();
  private readonly groupRisk = new Map<string, boolean>();
  private readonly recent = new Map<string, RecentMatters>();
  private readonly keyPlaceOf = new Map<string, KeyPlace>();
  /** Changes decided but coalesced until the next tick (repeat clusters growing, piles moving). */
  private readonly dirty = new Set<string>();
  /** Each active warning's id once written, by key (a warning is decided before it has one). */
  private readonly ids = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly surge: GridSurge;
  private surgeReadAt = 0;

  constructor(
    private readonly deps: WarningDeps,
    active: readonly KeyedWarning[],
  ) {
    for (const w of active) {
      this.active.set(w.key, w);
      this.ids.set(w.key, w.id);
    }
    for (const i of deps.board.incidents.values()) this.groupRisk.set(i.id, i.groupRisk);
    const { keyCameraOffline, repeatMatter } = deps.config;
    this.surge = new GridSurge(deps.config.gridSurge);
    for (const category of repeatMatter.categories) {
      this.recent.set(category, new RecentMatters(repeatMatter.days * DAY_MS));
    }
    const places = deps.city.keyPlaces.filter((p) => p.level <= keyCameraOffline.placeLevel);
    for (const camera of deps.city.cameras) {
      let nearest: { place: KeyPlace; m: number } | undefined;
      for (const place of places) {
        const m = distanceMetres(camera.position, place.position);
        if (m <= keyCameraOffline.radiusM && (!nearest || m < nearest.m)) nearest = { place, m };
      }
      if (nearest) this.keyPlaceOf.set(camera.id, nearest.place);
    }
  }

  /** Reads what the rules need from the store: the active warnings, the recent matters. */
  static async open(deps: WarningDeps): Promise<WarningService> {
    const service = new WarningService(deps, await deps.store.activeWarnings());
    const { repeatMatter } = deps.config;
    if (repeatMatter.enabled) {
      const now = deps.clock();
      const { incidents } = await deps.store.queryIncidents({
        categories: repeatMatter.categories,
        from: new Date(now.getTime() - repeatMatter.days * DAY_MS).toISOString(),
        limit: 100_000,
        offset: 0,
      });
      for (const i of incidents) service.recent.get(i.category)?.add(i);
    }
    await service.readSurge(deps.clock());
    return service;
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), WARNING_TICK_MS);
    this.timer.unref();
    this.tick();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The warnings active now, as the screens have them. */
  current(): Warning[] {
    return [...this.deps.board.warnings.values()];
  }

  onDeltas(deltas: readonly Delta[]): void {
    const now = this.deps.clock();
    const changed: KeyedWarning[] = [];
    for (const d of deltas) {
      if (d.type === 'incident') changed.push(...this.onIncident(d.incident, now));
      else if (d.type === 'camera') changed.push(...this.onCamera(d.cameraId, d.status, now));
    }
    if (changed.length) void this.save(changed);
  }

  /** 确认: someone at a desk has seen it and is on it. */
  acknowledge(id: string, actor: Actor, note: string | undefined): Promise<Warning> {
    return this.mark(id, actor, 'acknowledge', note);
  }

  /** 解除: it is over, in the words of whoever ends it. */
  resolve(id: string, actor: Actor, note: string): Promise<Warning> {
    return this.mark(id, actor, 'resolve', note);
  }

  private async mark(
    id: string,
    actor: Actor,
    what: 'acknowledge' | 'resolve',
    note: string | undefined,
  ): Promise<Warning> {
    const entry = {
      action: what === 'acknowledge' ? 'warning.acknowledged' : 'warning.resolved',
      actor: actor.id,
      actorRole: actor.role,
      target: id,
    } as const;
    try {
      const warning = await this.deps.queue.run(async () => {
        const current = [...this.active.values()].find((w) => this.ids.get(w.key) === id);
        if (!current) {
          const stored = await this.deps.store.getWarning(id);
          if (!stored) throw new HttpError(404, `no warning ${id}`, { code: 'warning_not_found' });
          this.deps.scopes.check(actor, { id, ...(stored.area ?? CITY_ONLY) });
          throw new HttpError(409, `warning ${id} is already resolved`, {
            code: 'warning_resolved',
          });
        }
        this.deps.scopes.check(actor, { id, ...(current.area ?? CITY_ONLY) });
        if (what === 'acknowledge' && current.state === 'acknowledged') {
          throw new HttpError(409, `warning ${id} is already acknowledged`, {
            code: 'already_acknowledged',
          });
        }
        const at = this.deps.clock().toISOString();
        const mark: WarningMark = { by: actor.id, name: actor.name, at, ...(note ? { note } : {}) };
        const next: KeyedWarning =
          what === 'acknowledge'
            ? { ...current, id, state: 'acknowledged', acknowledged: mark, updatedAt: at }
            : { ...current, id, state: 'resolved', resolved: mark, updatedAt: at };
        if (next.state === 'resolved') {
          this.active.delete(next.key);
          this.dirty.delete(next.key);
        } else this.active.set(next.key, next);
        await this.commit([next]);
        return withoutKey(next);
      });
      this.deps.audit.record({ ...entry, outcome: 'ok', detail: note ? { note } : undefined });
      return warning;
    } catch (err) {
      if (err instanceof HttpError) {
        this.deps.audit.record({
          ...entry,
          outcome: 'refused',
          detail: { status: err.status, code: err.code, message: err.message },
        });
      }
      throw err;
    }
  }

  private onIncident(incident: IncidentSummary, now: Date): KeyedWarning[] {
    const { groupRisk, repeatMatter } = this.deps.config;
    const out: KeyedWarning[] = [];
    const open = isOpenState(incident.state);
    // 群体性: raised when a matter first carries the flag, over when the matter is.
    const key = `group-risk:${incident.id}`;
    const was = this.groupRisk.get(incident.id) ?? false;
    if (open) this.groupRisk.set(incident.id, incident.groupRisk);
    else this.groupRisk.delete(incident.id);
    if (groupRisk.enabled && open && incident.groupRisk && !was && !this.active.has(key)) {
      out.push(
        this.raise(
          {
            key,
            rule: 'group-risk',
            level: groupRisk.level,
            facts: { incidentTitle: incident.title },
            location: incident.location,
            area: areaOf(incident),
            incidentIds: [incident.id],
          },
          now,
        ),
      );
    } else if (!open && this.active.has(key)) {
      out.push(this.end(this.active.get(key)!, now));
    }
    if (incident.version === 1 && this.deps.config.gridSurge.enabled) {
      const found = this.surgeIn(incident.gridId, this.surge.add(incident.gridId), now);
      if (found) out.push(found);
    }
    const recent = repeatMatter.enabled ? this.recent.get(incident.category) : undefined;
    if (recent && incident.version === 1 && incident.state !== 'rejected') {
      recent.add(incident);
      const found = this.repeatAround(incident, recent, now);
      if (found) out.push(...found);
    }
    return out;
  }

  /** The same kind of matter, again, near an earlier few: one warning per place and kind. */
  private repeatAround(
    incident: IncidentSummary,
    recent: RecentMatters,
    now: Date,
  ): KeyedWarning[] | undefined {
    const { repeatMatter: rule } = this.deps.config;
    const near = recent.near(incident.location, rule.radiusM, now.getTime());
    if (near.length < rule.count) return undefined;
    const ids = near.map((m) => m.id);
    // A warning already open for this kind of matter near here takes the new one in.
    for (const w of this.active.values()) {
      if (
        w.rule === 'repeat-matter' &&
        w.facts.category === incident.category &&
        w.location &&
        distanceMetres(w.location, incident.location) <= rule.radiusM
      ) {
        const incidentIds = [...new Set([...w.incidentIds, ...ids])].slice(-MAX_INCIDENT_IDS);
        const count = Math.max(w.facts.count ?? 0, ids.length);
        this.active.set(w.key, {
          ...w,
          incidentIds,
          facts: { ...w.facts, count },
          updatedAt: now.toISOString(),
        });
        this.dirty.add(w.key);
        return [];
      }
    }
    return [
      this.raise(
        {
          key: `repeat-matter:${incident.category}:${incident.id}`,
          rule: 'repeat-matter',
          level: rule.level,
          facts: {
            category: incident.category,
            count: ids.length,
            radiusM: rule.radiusM,
            days: rule.days,
          },
          // The place is where it started: the earliest of them.
          location: near[0]!.location,
          area: near[0]!.area,
          incidentIds: ids.slice(-MAX_INCIDENT_IDS),
        },
        now,
      ),
    ];
  }

  private onCamera(cameraId: string, status: string, now: Date): KeyedWarning[] {
    const rule = this.deps.config.keyCameraOffline;
    const place = this.keyPlaceOf.get(cameraId);
    if (!rule.enabled || !place) return [];
    const key = `key-camera-offline:${cameraId}`;
    const current = this.active.get(key);
    if (status === 'offline' && !current) {
      const camera = this.deps.city.cameras.find((c) => c.id === cameraId)!;
      return [
        this.raise(
          {
            key,
            rule: 'key-camera-offline',
            level: rule.level,
            facts: { cameraId, placeName: place.name },
            location: camera.position,
            area: this.deps.scopes.areaOfGrid(camera.regionId),
            incidentIds: [],
          },
          now,
        ),
      ];
    }
    if (status === 'online' && current) return [this.end(current, now)];
    return [];
  }

  /** The rules that watch the clock, and the coalesced changes, every WARNING_TICK_MS. */
  private tick(): void {
    const now = this.deps.clock();
    const changed: KeyedWarning[] = [];
    try {
      changed.push(...this.overduePiles(now));
      changed.push(...this.quietPlaces(now));
    } catch (err) {
      log.error({ err }, 'warning rules failed');
    }
    for (const key of this.dirty) {
      const w = this.active.get(key);
      if (w && !changed.some((c) => c.key === key)) changed.push(w);
    }
    this.dirty.clear();
    for (const recent of this.recent.values()) recent.prune(now.getTime());
    if (changed.length) void this.save(changed);
    if (now.getTime() - this.surgeReadAt >= SURGE_REFRESH_MS) {
      this.readSurge(now)
        .then(() => {
          // The week has moved on: a grid back to its usual is over by itself.
          const ended: KeyedWarning[] = [];
          for (const w of [...this.active.values()]) {
            if (w.rule !== 'grid-surge' || !w.area) continue;
            const found = this.surgeIn(w.area.gridId, this.surge.of(w.area.gridId), now);
            if (found) ended.push(found);
          }
          if (ended.length) return this.save(ended);
        })
        .catch((err: unknown) => log.error({ err }, 'reading grid counts failed'));
    }
  }

  private async readSurge(now: Date): Promise<void> {
    this.surgeReadAt = now.getTime();
    if (this.deps.config.gridSurge.enabled) await this.surge.refresh(this.deps.store, now);
  }

  /** A grid's week judged: a warning raised, brought up to date or ended; or nothing to do. */
  private surgeIn(gridId: string, surge: Surge | undefined, now: Date): KeyedWarning | undefined {
    const key = `grid-surge:${gridId}`;
    const current = this.active.get(key);
    if (!surge?.significant) return current ? this.end(current, now) : undefined;
    const facts = {
      count: surge.count,
      baseline: surge.baseline,
      weeks: surge.weeks,
      p: surge.p,
    };
    if (current) {
      if (current.facts.count === surge.count) return undefined;
      this.active.set(key, { ...current, facts, updatedAt: now.toISOString() });
      this.dirty.add(key);
      return undefined;
    }
    const area = this.deps.scopes.areaOfGrid(gridId);
    return this.raise(
      {
        key,
        rule: 'grid-surge',
        level: this.deps.config.gridSurge.level,
        facts,
        location: this.deps.scopes.centreOf(gridId),
        area,
        incidentIds: [],
      },
      now,
    );
  }

  /** Departments holding `count` or more matters past their deadline. */
  private overduePiles(now: Date): KeyedWarning[] {
    const rule = this.deps.config.departmentOverdue;
    if (!rule.enabled) return [];
    const nowIso = now.toISOString();
    const piles = new Map<string, string[]>();
    for (const i of this.deps.board.incidents.values()) {
      if (!isOpenState(i.state) || !i.deadline || i.deadline.dueAt >= nowIso) continue;
      for (const a of i.assignments) {
        if (a.reportedAt) continue;
        const pile = piles.get(a.departmentId) ?? [];
        pile.push(i.id);
        piles.set(a.departmentId, pile);
      }
    }
    const out: KeyedWarning[] = [];
    for (const [departmentId, ids] of piles) {
      const key = `department-overdue:${departmentId}`;
      const current = this.active.get(key);
      if (!current && ids.length >= rule.count) {
        out.push(
          this.raise(
            {
              key,
              rule: 'department-overdue',
              level: rule.level,
              facts: { departmentId, count: ids.length },
              incidentIds: ids.slice(0, MAX_INCIDENT_IDS),
            },
            now,
          ),
        );
      } else if (current && current.facts.count !== ids.length) {
        const next = {
          ...current,
          facts: { ...current.facts, count: ids.length },
          incidentIds: ids.slice(0, MAX_INCIDENT_IDS),
          updatedAt: now.toISOString(),
        };
        this.active.set(key, next);
        out.push(next);
      }
    }
    // A pile cleared to nothing is over.
    for (const w of this.active.values()) {
      if (w.rule === 'department-overdue' && !piles.has(w.facts.departmentId!)) {
        out.push(this.end(w, now));
      }
    }
    return out;
  }

  /** A place where the matter has not come back for the rule's days: over by itself. */
  private quietPlaces(now: Date): KeyedWarning[] {
    const { days } = this.deps.config.repeatMatter;
    const out: KeyedWarning[] = [];
    for (const w of this.active.values()) {
      if (w.rule !== 'repeat-matter') continue;
      const last = w.incidentIds.at(-1);
      const reported = last ? this.deps.board.incidents.get(last)?.reportedAt : undefined;
      const lastAt = Date.parse(reported ?? w.updatedAt);
      if (now.getTime() - lastAt > days * DAY_MS) out.push(this.end(w, now));
    }
    return out;
  }

  private raise(found: Finding, now: Date): KeyedWarning {
    const at = now.toISOString();
    // The id is given when it is written (save), in the order warnings are raised.
    const warning: KeyedWarning = { id: '', state: 'open', raisedAt: at, updatedAt: at, ...found };
    this.active.set(found.key, warning);
    return warning;
  }

  /** Resolved by the server: its cause went away. */
  private end(w: KeyedWarning, now: Date): KeyedWarning {
    const at = now.toISOString();
    this.active.delete(w.key);
    this.dirty.delete(w.key);
    return {
      ...w,
      state: 'resolved',
      resolved: { by: 'system', name: 'system', at },
      updatedAt: at,
    };
  }

  private save(changes: KeyedWarning[]): Promise<void> {
    return this.deps.queue
      .run(() => this.commit(changes))
      .catch((err: unknown) => log.error({ err }, 'saving warnings failed'));
  }

  /**
   * Inside the queue: ids for warnings written for the first time, then one durable change and
   * its deltas. A warning raised and over before it was ever written is never written.
   */
  private async commit(changes: KeyedWarning[]): Promise<void> {
    const now = this.deps.clock();
    const ready = new Map<string, KeyedWarning>();
    for (const change of changes) {
      let id = change.id || this.ids.get(change.key);
      if (!id) {
        if (change.state === 'resolved') continue;
        const n = await this.deps.store.nextId('warning');
        id = `YJ-${this.deps.day.label(now).replaceAll('-', '')}-${String(n).padStart(4, '0')}`;
        this.ids.set(change.key, id);
      }
      // An active warning goes out in its newest form, whatever was decided before.
      const newest = change.state === 'resolved' ? change : (this.active.get(change.key) ?? change);
      ready.set(change.key, { ...newest, id });
    }
    if (!ready.size) return;
    const warnings = [...ready.values()];
    this.deps.bus.publish(
      await this.deps.store.commit(
        { warnings, deltas: warnings.map((w) => ({ type: 'warning', warning: withoutKey(w) })) },
        now,
      ),
    );
    for (const w of warnings) if (w.state === 'resolved') this.ids.delete(w.key);
  }
}

/** Matters placed city-wide (a city department's pile): only the city's centre sees them. */
const CITY_ONLY: Area = { gridId: '', communityId: '', streetId: '', districtId: '' };

function areaOf(i: IncidentSummary): Area {
  return {
    gridId: i.gridId,
    communityId: i.communityId,
    streetId: i.streetId,
    districtId: i.districtId,
  };
}

export function withoutKey({ key: _key, ...warning }: KeyedWarning): Warning {
  return warning;
}
