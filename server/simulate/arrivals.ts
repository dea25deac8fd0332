import type {
  Camera,
  Category,
  LngLat,
  Patrol,
  PatrolKind,
  PatrolPosition,
  ReportInput,
  Source,
} from '../../shared/index.js';
import type { Hotspot, GridPlace, Places, SimCity } from './places.js';
import { between, chance, exponential, pick, weightedKey, type Random } from './random.js';
import { drawTitle, type TitleTemplate } from './titles.js';

const HOUR_MS = 3_600_000;

/**
 * Incidents per hour at each local hour (the centre's time, UTC+8) in a mid-size city: quiet
 * small hours, a morning peak as grid workers start their rounds and the hotline opens, a
 * lunch dip, an afternoon peak, a long tail of evening disputes. About 1,300 a day.
 */
export const HOURLY_RATE: readonly number[] = [
  24, 19, 16, 15, 15, 18, 26, 40, 60, 76, 86, 82, 64, 60, 74, 82, 84, 78, 66, 58, 52, 44, 36, 29,
];

/**
 * The share of each category in the day's intake. Disputes are the largest (DOMAIN.md), then
 * the hotline's citizen requests and the city-management round.
 */
export const CATEGORY_MIX: Readonly<Record<Category, number>> = {
  dispute: 0.3,
  'citizen-request': 0.2,
  'city-management': 0.17,
  'safety-hazard': 0.12,
  'public-order': 0.09,
  'video-alarm': 0.09,
  emergency: 0.03,
};

/** Who reports what: video alarms come only from the analytics, requests from the hotline. */
export const SOURCE_MIX: Readonly<Record<Category, Partial<Record<Source, number>>>> = {
  dispute: { 'grid-worker': 0.45, hotline: 0.3, patrol: 0.12, 'online-petition': 0.13 },
  'public-order': { patrol: 0.45, hotline: 0.4, 'grid-worker': 0.15 },
  'safety-hazard': { 'grid-worker': 0.5, hotline: 0.25, patrol: 0.15, 'online-petition': 0.1 },
  'city-management': { 'grid-worker': 0.5, patrol: 0.25, hotline: 0.25 },
  'citizen-request': { hotline: 0.65, 'online-petition': 0.3, 'grid-worker': 0.05 },
  'video-alarm': { 'video-analytics': 1 },
  emergency: { hotline: 0.7, patrol: 0.2, 'grid-worker': 0.1 },
};

/** How often a category's report comes from one of its hot spots, when the city has any. */
const HOTSPOT_SHARE: Readonly<Record<Category, number>> = {
  dispute: 0.4,
  'public-order': 0.2,
  'safety-hazard': 0.15,
  'city-management': 0.2,
  'citizen-request': 0.1,
  'video-alarm': 0,
  emergency: 0.05,
};

const PATROL_KINDS_FOR: Readonly<Record<Category, readonly PatrolKind[]>> = {
  dispute: ['volunteer', 'police'],
  'public-order': ['police', 'special-police'],
  'safety-hazard': ['volunteer', 'police', 'city-management'],
  'city-management': ['city-management', 'volunteer'],
  'citizen-request': ['volunteer'],
  'video-alarm': ['police'],
  emergency: ['police', 'special-police'],
};

const EXTERNAL_PREFIX: Readonly<Record<Source, string>> = {
  hotline: '12345',
  'grid-worker': 'GW',
  'video-analytics': 'VA',
  patrol: 'PT',
  'online-petition': 'WSXF',
  visit: 'LF',
  call: 'LD',
  letter: 'LX',
  'video-patrol': 'SPXC',
};

/** The hour-of-day curve, interpolated so the rate changes smoothly through the hour. */
export function ratePerHour(at: Date, utcOffsetMinutes = 480): number {
  const localHours = (((at.getTime() / HOUR_MS + utcOffsetMinutes / 60) % 24) + 24) % 24;
  const h = Math.floor(localHours);
  const f = localHours - h;
  return HOURLY_RATE[h]! * (1 - f) + HOURLY_RATE[(h + 1) % 24]! * f;
}

const PEAK_RATE = Math.max(...HOURLY_RATE);

/**
 * Milliseconds until the next arrival after `now`, for a Poisson process whose rate follows the
 * day curve times `timeScale` (drawn exactly, by thinning a process at the peak rate).
 */
export function nextArrivalDelay(
  now: Date,
  rng: Random,
  timeScale: number,
  utcOffsetMinutes = 480,
): number {
  const peakPerMs = (PEAK_RATE * timeScale) / HOUR_MS;
  let t = now.getTime();
  for (;;) {
    t += exponential(rng, peakPerMs);
    if (rng() * PEAK_RATE <= ratePerHour(new Date(t), utcOffsetMinutes)) return t - now.getTime();
  }
}

/** Every arrival in [from, to), in order: what a screen would have seen over that span. */
export function arrivalsBetween(
  from: Date,
  to: Date,
  rng: Random,
  timeScale = 1,
  utcOffsetMinutes = 480,
): Date[] {
  const out: Date[] = [];
  let t = from;
  for (;;) {
    t = new Date(t.getTime() + nextArrivalDelay(t, rng, timeScale, utcOffsetMinutes));
    if (t >= to) return out;
    out.push(t);
  }
}

export function drawCategory(rng: Random): Category {
  return weightedKey(rng, CATEGORY_MIX);
}

/** One report ready to post, with what the simulator knows about where it came from. */
export interface GeneratedReport {
  input: ReportInput & { location: { lng: number; lat: number } };
  gridId: string;
  hotspotId: string | undefined;
  template: TitleTemplate;
}

export interface ReportFactoryOptions {
  /** Distinguishes this run's externalIds from every earlier run's. */
  runId: string;
  utcOffsetMinutes?: number;
  /** Where the patrols are now, so a patrol reports what it passes. */
  patrols?: () => readonly PatrolPosition[];
}

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁郑谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤';

/** Makes believable intake reports: category, place, source, reporter, title, severity. */
export class ReportFactory {
  private counter = 0;
  private readonly cameras: Camera[];
  private readonly gridWorkerNames: Map<string, string>;

  constructor(
    private readonly places: Places,
    private readonly city: SimCity,
    private readonly rng: Random,
    private readonly options: ReportFactoryOptions,
  ) {
    this.cameras = city.cameras.filter((c) => c.status !== 'offline');
    this.gridWorkerNames = new Map(city.gridWorkers.map((w) => [w.id, w.name]));
  }

  /** A fresh report of `category` (drawn from the mix when omitted), happening at `now`. */
  next(now: Date, category: Category = drawCategory(this.rng)): GeneratedReport {
    if (category === 'video-alarm') {
      const alarm = this.videoAlarm(now);
      if (alarm) return alarm;
      category = 'public-order';
    }
    const rng = this.rng;
    const source = weightedKey(rng, SOURCE_MIX[category] as Record<Source, number>);
    let hotspot: Hotspot | undefined;
    let point: LngLat | undefined;
    if (chance(rng, HOTSPOT_SHARE[category])) {
      hotspot = this.places.randomHotspot(category, rng);
      if (hotspot) point = this.places.hotspotPoint(hotspot, rng);
    }
    let patrolName: string | undefined;
    if (source === 'patrol') {
      const fitting = this.fittingPatrols(category);
      const live = this.options.patrols?.() ?? [];
      const here = live.filter((p) => fitting.some((f) => f.id === p.id));
      if (!point && here.length) {
        // A patrol reports what it passes.
        const patrol = pick(rng, here);
        const p = this.places.near(patrol.position, 60, rng);
        if (this.places.gridAt(p)) {
          point = p;
          patrolName = fitting.find((x) => x.id === patrol.id)?.name;
        }
      }
      if (!patrolName && fitting.length) patrolName = pick(rng, fitting).name;
    }
    const grid: GridPlace = (point && this.places.gridAt(point)) || this.places.randomGrid(rng);
    point ??= this.places.pointIn(grid, rng);
    const drawn = drawTitle(rng, category, { community: grid.communityName, grid: grid.name });
    return {
      input: {
        source,
        externalId: this.externalId(source),
        category,
        severity: drawn.severity,
        groupRisk: drawn.groupRisk,
        title: drawn.title,
        description: drawn.description,
        location: { lng: point[0], lat: point[1] },
        time: this.localIso(new Date(now.getTime() - this.lag(source))),
        reporter: this.reporter(source, grid, patrolName),
      },
      gridId: grid.id,
      hotspotId: hotspot?.id,
      template: drawn.template,
    };
  }

  /**
   * The same event seen by someone else a minute later: another source where the category has
   * one (a video alarm re-triggers on the same camera), a few metres off, the same title.
   */
  followUp(original: GeneratedReport, now: Date): GeneratedReport {
    const rng = this.rng;
    const { input } = original;
    const sources = Object.keys(SOURCE_MIX[input.category]) as Source[];
    const others = sources.filter((s) => s !== input.source);
    const source = others.length ? pick(rng, others) : input.source;
    const origin: LngLat = [input.location.lng, input.location.lat];
    const point = input.cameraId ? origin : this.places.near(origin, 25, rng);
    const grid = this.places.gridAt(point) ?? this.places.byId.get(original.gridId)!;
    const description =
      source === 'hotline'
        ? `市民来电反映：${input.title}，${input.description}`
        : source === 'online-petition'
          ? `网民留言反映：${input.description}`
          : source === 'video-analytics'
            ? `同一点位再次告警：${input.description}`
            : `现场核实：${input.description}`;
    return {
      ...original,
      input: {
        ...input,
        source,
        externalId: this.externalId(source),
        description,
        location: { lng: point[0], lat: point[1] },
        time: this.localIso(now),
        reporter: this.reporter(source, grid, undefined),
      },
      gridId: grid.id,
    };
  }

  private videoAlarm(now: Date): GeneratedReport | undefined {
    const rng = this.rng;
    for (let i = 0; i < 8 && this.cameras.length; i++) {
      const camera = pick(rng, this.cameras);
      const point = this.places.cameraPoint(camera, rng);
      if (!point) continue;
      const grid = this.places.gridAt(point)!;
      const drawn = drawTitle(
        rng,
        'video-alarm',
        { community: grid.communityName, grid: grid.name, camera: camera.name },
        camera.site,
      );
      return {
        input: {
          source: 'video-analytics',
          externalId: this.externalId('video-analytics'),
          category: 'video-alarm',
          severity: drawn.severity,
          groupRisk: drawn.groupRisk,
          title: drawn.title,
          description: drawn.description,
          location: { lng: point[0], lat: point[1] },
          time: this.localIso(now),
          cameraId: camera.id,
          reporter: '视频智能分析平台',
        },
        gridId: grid.id,
        hotspotId: undefined,
        template: drawn.template,
      };
    }
    return undefined;
  }

  /** The patrols that would report this: police for public order, city patrols for vendors. */
  private fittingPatrols(category: Category): readonly Patrol[] {
    const kinds = PATROL_KINDS_FOR[category];
    const fitting = this.city.patrols.filter((p) => kinds.includes(p.kind));
    return fitting.length ? fitting : this.city.patrols;
  }

  private externalId(source: Source): string {
    return `${EXTERNAL_PREFIX[source]}-${this.options.runId}-${String(++this.counter).padStart(6, '0')}`;
  }

  /** How long before the report the thing happened: a caller waits, a camera does not. */
  private lag(source: Source): number {
    switch (source) {
      case 'video-analytics':
        return 0;
      case 'hotline':
      case 'online-petition':
        return between(this.rng, 2, 25) * 60_000;
      default:
        return between(this.rng, 0, 5) * 60_000;
    }
  }

  private reporter(source: Source, grid: GridPlace, patrolName: string | undefined): string {
    const surname = SURNAMES[Math.floor(this.rng() * SURNAMES.length)]!;
    switch (source) {
      case 'grid-worker':
        return (
          (grid.gridWorkerId && this.gridWorkerNames.get(grid.gridWorkerId)) || `${grid.name}网格员`
        );
      case 'patrol':
        return patrolName ?? '巡逻队';
      case 'hotline':
        return `${surname}${chance(this.rng, 0.5) ? '先生' : '女士'}（12345热线）`;
      case 'online-petition':
        return `网民${surname}**`;
      case 'visit':
      case 'call':
      case 'letter':
        return `${surname}${chance(this.rng, 0.5) ? '先生' : '女士'}`;
      case 'video-analytics':
        return '视频智能分析平台';
      case 'video-patrol':
        return '视频巡查员';
    }
  }

  /** ISO time in the centre's own offset, as a local integration would send it. */
  localIso(at: Date): string {
    const offset = this.options.utcOffsetMinutes ?? 480;
    const local = new Date(at.getTime() + offset * 60_000).toISOString().slice(0, 19);
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    const hh = String(Math.floor(abs / 60)).padStart(2, '0');
    const mm = String(abs % 60).padStart(2, '0');
    return `${local}${sign}${hh}:${mm}`;
  }
}
