import {
  AreaIndex,
  centreAtOrAbove,
  DEFAULT_LEVEL_RULES,
  inScope,
  type Area,
  type Scope,
  defaultLimits,
  SEVERITIES,
  summarize,
  type Actor,
  type CentreLevel,
  type DeadlineLimits,
  type LevelRules,
  type Contact,
  type Incident,
  type IntakeOutcome,
  type Resolution,
  type Region,
  type RegionFeature,
  type ReportInputParsed,
  type Severity,
  type TimelineEntry,
  type City,
} from '../../shared/index.js';
import { toWgs84 } from '../city/crs.js';
import { HttpError } from '../http-error.js';
import type { DeltaBus, WriteQueue } from '../live/bus.js';
import type { Clock } from '../live/clock.js';
import type { CentreDay } from '../live/day.js';
import type { Change, DeltaDraft, Store } from '../store/store.js';
import { DEFAULT_SEVERITY } from './attach-rule.js';
import { NearbyIncidents } from './nearby.js';

/**
 * Under load, at most one intake commit this often: the reports waiting share one transaction
 * and one set of WAL pages, a fraction of the cost of a commit each. Idle, a report commits on
 * the next turn of the event loop.
 */
const GROUP_MS = 10;

/**
 * What a report from a person (a grid worker's phone, the reception) carries beyond an
 * integration's: who they are, their photos, the caller's contact, and a closing in the same
 * step for a matter settled on the spot.
 */
export interface IntakeExtras {
  actor: Actor;
  photos?: readonly string[];
  contact?: Contact;
  /** 自行处置 or 即办: opened and closed in one step, never joined to another incident. */
  settle?: { resolution: Resolution; comment: string; photos?: readonly string[] };
  /** A sub-centre's reception registers matters of its own area only. */
  within?: Scope;
}

interface Submission {
  reports: ReportInputParsed[];
  /** Each report's grid, found when it was checked. */
  grids: RegionFeature[];
  integration: string;
  /** For a single report from a person (submitOne). */
  extras?: IntakeExtras;
  resolve(outcomes: IntakeOutcome[]): void;
  reject(err: unknown): void;
}

export type { IntakeOutcome };

/**
 * Intake (上报): turns integration reports into incidents. Idempotent on (integration, source, externalId);
 * a report near an open incident of its category joins it. A batch lands whole or not at all.
 */
export class IngestService {
  private readonly grids: AreaIndex<RegionFeature>;
  private readonly regions: Map<string, Region>;
  private readonly cameras: Set<string>;
  private readonly waiting: Submission[] = [];
  private lastDrain = -Infinity;

  constructor(
    private readonly store: Store,
    private readonly bus: DeltaBus,
    private readonly queue: WriteQueue,
    private readonly nearby: NearbyIncidents,
    city: Pick<City, 'regions' | 'cameras'>,
    private readonly clock: Clock,
    private readonly day: CentreDay,
    private readonly limits: DeadlineLimits = defaultLimits,
    private readonly levels: LevelRules = DEFAULT_LEVEL_RULES,
    /** How long a submission waits for others to share its commit (the demo's past: none). */
    private readonly groupMs = GROUP_MS,
  ) {
    this.grids = new AreaIndex(
      city.regions.features.filter((f) => f.properties.level === 'grid'),
      (f) => f.geometry,
    );
    this.regions = new Map(city.regions.features.map((f) => [f.properties.id, f.properties]));
    this.cameras = new Set(city.cameras.map((c) => c.id));
  }

  submit(
    given: ReportInputParsed[],
    integration: string,
    extras?: IntakeExtras,
  ): Promise<IntakeOutcome[]> {
    const reports = given.map(inWgs84);
    const grids = this.locate(reports);
    const within = extras?.within;
    if (within)
      for (const { properties: grid } of grids)
        if (!inScope(within, this.areaOf(grid)))
          throw new HttpError(403, `the place (grid ${grid.id}) is outside ${within.regionId}`, {
            code: 'outside_your_area',
          });
    return new Promise((resolve, reject) => {
      this.waiting.push({ reports, grids, integration, extras, resolve, reject });
      if (this.waiting.length === 1) {
        const drain = () => void this.queue.run(() => this.drain());
        const wait = this.lastDrain + this.groupMs - performance.now();
        if (wait > 0) setTimeout(drain, wait);
        else setImmediate(drain);
      }
    });
  }

  private areaOf(grid: Region): Area {
    const community = this.regions.get(grid.parentId!)!;
    const street = this.regions.get(community.parentId!)!;
    return {
      gridId: grid.id,
      communityId: community.id,
      streetId: street.id,
      districtId: street.parentId!,
    };
  }

  /** Checks what the schema cannot: the place is in the city (its grid) and the camera exists. */
  private locate(reports: ReportInputParsed[]): RegionFeature[] {
    const problems: string[] = [];
    const grids = reports.map((r, i) => {
      const at = reports.length > 1 ? `reports[${i}].` : '';
      const grid = this.grids.find([r.location.lng, r.location.lat]);
      if (!grid) {
        problems.push(`${at}location: ${r.location.lng},${r.location.lat} is outside the city`);
      }
      if (r.cameraId && !this.cameras.has(r.cameraId))
        problems.push(`${at}cameraId: no camera ${r.cameraId}`);
      return grid!;
    });
    if (problems.length) throw new HttpError(400, problems.join('; '));
    return grids;
  }

  /**
   * Group commit: every submission waiting lands in one transaction and one publish. Should the
   * group fail, each submission is tried alone, so one cannot take down another.
   */
  private async drain(): Promise<void> {
    this.lastDrain = performance.now();
    const group = this.waiting.splice(0);
    if (!group.length) return;
    try {
      const outcomes = await this.write(group);
      group.forEach((g, n) => g.resolve(outcomes[n]!));
    } catch (err) {
      if (group.length === 1) return group[0]!.reject(err);
      for (const g of group) {
        await this.write([g]).then(([o]) => g.resolve(o!), g.reject);
      }
    }
  }

  private async write(group: Submission[]): Promise<IntakeOutcome[][]> {
    const now = this.clock();
    const day = this.day.label(now).replaceAll('-', '');
    const change: Required<Pick<Change, 'incidents' | 'reports'>> & { deltas: DeltaDraft[] } = {
      incidents: [],
      reports: [],
      deltas: [],
    };
    // Incidents this batch already touched, newest version, so later reports see them.
    const touched = new Map<string, Incident>();
    const inBatch = new NearbyIncidents([]);
    const seenKeys = new Map<string, IntakeOutcome>();
    const outcomes: IntakeOutcome[][] = group.map(() => []);
    for (const [n, { reports, grids, integration, extras }] of group.entries())
      for (const [k, input] of reports.entries()) {
        // One integration's external ids are its own: another cannot claim or collide with them.
        const key = `${integration}\u0000${input.source}\u0000${input.externalId}`;
        const prior =
          seenKeys.get(key) ??
          (await this.store.findReport(integration, input.source, input.externalId));
        if (prior) {
          const reportId = 'reportId' in prior ? prior.reportId : prior.id;
          outcomes[n]!.push({ result: 'duplicate', reportId, incidentId: prior.incidentId });
          continue;
        }
        const reportId = `RPT-${day}-${pad(await this.store.nextId('report'))}`;
        const actor: Actor = extras?.actor ?? {
          id: `integration:${integration}`,
          name: input.reporter ?? integration,
          role: 'integration',
        };
        const location: [number, number] = [input.location.lng, input.location.lat];
        // A matter settled on the spot is its own: it closes now and must not close another.
        // A registration keeps its caller's contact on its own record.
        const match =
          extras?.settle || extras?.contact
            ? undefined
            : (inBatch.match(input.category, location, now.getTime(), input.cameraId) ??
              this.nearby.match(input.category, location, now.getTime(), input.cameraId));
        const base = match
          ? (touched.get(match.id) ?? (await this.store.getIncident(match.id)))
          : undefined;
        const incident = base
          ? this.attach(base, input, reportId, actor, now, extras?.photos)
          : settled(
              await this.open(input, location, grids[k]!, reportId, actor, now, extras),
              actor,
              now,
              extras?.settle,
            );
        touched.set(incident.id, incident);
        inBatch.put(summarize(incident));
        change.incidents.push(incident);
        change.reports.push({
          id: reportId,
          integration,
          source: input.source,
          externalId: input.externalId,
          category: input.category,
          severity: input.severity ?? null,
          title: input.title,
          description: input.description,
          location,
          time: new Date(input.time).toISOString(),
          receivedAt: now.toISOString(),
          cameraId: input.cameraId ?? null,
          reporter: input.reporter ?? null,
          incidentId: incident.id,
        });
        const outcome: IntakeOutcome = {
          result: base ? 'attached' : 'created',
          reportId,
          incidentId: incident.id,
        };
        seenKeys.set(key, outcome);
        outcomes[n]!.push(outcome);
      }
    // One delta per incident, carrying its final state after the whole batch.
    change.deltas = [...touched.values()].map((i) => ({
      type: 'incident',
      incident: summarize(i),
    }));
    if (change.reports.length) this.bus.publish(await this.store.commit(change, now));
    return outcomes;
  }

  private async open(
    input: ReportInputParsed,
    location: [number, number],
    { properties: grid }: RegionFeature,
    reportId: string,
    actor: Actor,
    now: Date,
    extras?: IntakeExtras,
  ): Promise<Incident> {
    const community = this.regions.get(grid.parentId!)!;
    const street = this.regions.get(community.parentId!)!;
    const district = this.regions.get(street.parentId!)!;
    const at = now.toISOString();
    return {
      id: `INC-${this.day.label(now).replaceAll('-', '')}-${pad(await this.store.nextId('incident'))}`,
      version: 1,
      title: input.title,
      description: input.description,
      category: input.category,
      severity: input.severity ?? DEFAULT_SEVERITY[input.category],
      groupRisk: input.groupRisk ?? false,
      source: input.source,
      location,
      gridId: grid.id,
      communityId: community.id,
      streetId: street.id,
      districtId: district.id,
      areaNames: {
        grid: grid.name,
        community: community.name,
        street: street.name,
        district: district.name,
      },
      cameraId: input.cameraId ?? null,
      state: 'reported',
      assignments: [],
      // A grid worker's own report is theirs, even from a grid they cover for someone else.
      gridWorkerId: extras?.actor.gridWorkerId ?? grid.gridWorkerId ?? null,
      deadline: {
        step: 'accept',
        dueAt: new Date(now.getTime() + this.limits(input.category, 'accept')).toISOString(),
        extensions: 0,
        flagged: false,
      },
      reportedAt: at,
      updatedAt: at,
      closedAt: null,
      rating: null,
      reportCount: 1,
      wasOverdue: false,
      timeline: [
        {
          at,
          action: 'created',
          actor,
          from: null,
          to: 'reported',
          detail: { reportId },
          ...(extras?.photos?.length ? { photos: [...extras.photos] } : {}),
        },
      ],
      ...(extras?.contact ? { contact: extras.contact } : {}),
      ...this.startingCentre(input.severity ?? DEFAULT_SEVERITY[input.category], extras?.actor),
    };
  }

  /**
   * Where a new matter starts (大事全网联动、小事一格处理): a sub-centre's own desk keeps what
   * it registers; otherwise the level the rules give its severity, or the nearest centre above.
   */
  private startingCentre(
    severity: Severity,
    actor: Actor | undefined,
  ): Pick<Incident, 'centreLevel'> {
    const level: CentreLevel =
      actor?.regionLevel && actor.role === 'duty'
        ? actor.regionLevel
        : centreAtOrAbove(this.levels, this.levels.start[severity]);
    return level === 'city' ? {} : { centreLevel: level };
  }

  private attach(
    incident: Incident,
    input: ReportInputParsed,
    reportId: string,
    actor: Actor,
    now: Date,
    photos?: readonly string[],
  ): Incident {
    const at = now.toISOString();
    return {
      ...incident,
      version: incident.version + 1,
      severity: maxSeverity(incident.severity, input.severity),
      groupRisk: incident.groupRisk || (input.groupRisk ?? false),
      cameraId: incident.cameraId ?? input.cameraId ?? null,
      reportCount: incident.reportCount + 1,
      updatedAt: at,
      timeline: withAttachedReport(incident, reportId, input.source, actor, at, photos),
    };
  }
}

/**
 * A new incident closed in the same step (自行处置 by a grid worker, 即办 at the reception): no
 * deadline runs and nothing waits, and its resolution keeps it apart in the figures.
 */
function settled(
  incident: Incident,
  actor: Actor,
  now: Date,
  settle: IntakeExtras['settle'],
): Incident {
  if (!settle) return incident;
  const at = now.toISOString();
  return {
    ...incident,
    state: 'closed',
    deadline: null,
    closedAt: at,
    resolution: settle.resolution,
    timeline: [
      ...incident.timeline,
      {
        at,
        action: settle.resolution === 'self-handled' ? 'self-handle' : 'answer',
        actor,
        from: 'reported',
        to: 'closed',
        comment: settle.comment,
        ...(settle.photos?.length ? { photos: [...settle.photos] } : {}),
      },
    ],
  };
}

/**
 * The timeline with one more attached report. Reports in a row, with no other entry between
 * them, share one entry that counts them (the first, the last, how many, from which sources):
 * a crowd reporting the same fire makes one line, not hundreds, and the incident's document,
 * sent whole to every screen that opens it, stays small. The reports themselves are paged.
 */
function withAttachedReport(
  incident: Incident,
  reportId: string,
  source: string,
  actor: Actor,
  at: string,
  photos?: readonly string[],
): TimelineEntry[] {
  const last = incident.timeline.at(-1);
  const entry = (detail: Record<string, unknown>): TimelineEntry => ({
    at,
    action: 'report-attached',
    actor,
    from: incident.state,
    to: incident.state,
    detail,
  });
  // A report with photos keeps its own entry: the photos belong to it.
  if (photos?.length)
    return [
      ...incident.timeline,
      { ...entry({ reportId, source, reports: 1 }), photos: [...photos] },
    ];
  if (last?.action !== 'report-attached' || last.photos?.length)
    return [...incident.timeline, entry({ reportId, source, reports: 1 })];
  const before = last.detail ?? {};
  const count = typeof before.reports === 'number' ? before.reports : 1;
  const sources = new Set<string>(
    Array.isArray(before.sources) ? (before.sources as string[]) : [String(before.source)],
  );
  sources.add(source);
  return [
    ...incident.timeline.slice(0, -1),
    entry({
      reportId,
      source,
      reports: count + 1,
      firstReportId: before.firstReportId ?? before.reportId,
      firstAt: before.firstAt ?? last.at,
      sources: [...sources],
    }),
  ];
}

/** A phone's GCJ-02 or BD-09 position, in the WGS84 the city and the map speak. */
function inWgs84(report: ReportInputParsed): ReportInputParsed {
  const { crs, lng, lat } = report.location;
  if (!crs || crs === 'wgs84' || crs === 'cgcs2000') return report;
  const [x, y] = toWgs84(crs)([lng, lat]);
  return { ...report, location: { lng: x, lat: y } };
}

function maxSeverity(a: Severity, b: Severity | undefined): Severity {
  return b && SEVERITIES.indexOf(b) > SEVERITIES.indexOf(a) ? b : a;
}

function pad(n: number): string {
  return String(n).padStart(6, '0');
}
