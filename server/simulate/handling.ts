import {
  defaultLimits,
  type ActionRequest,
  type Actor,
  type Category,
  type DeadlineLimits,
  type Department,
  type DepartmentKind,
  type GridWorker,
  type Incident,
  type Severity,
  regionAt,
  type CentreLevel,
} from '../../shared/index.js';
import { between, chance, duration, intBetween, pick, weightedKey, type Random } from './random.js';
import { CATEGORY_DEPARTMENTS } from './titles.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The longest a department is made to sit on a case so as to miss its deadline (real time). */
const MISS_REACH = 6 * HOUR;

/** The simulated duty officer: acts as a desk user would, through the same workflow. */
export const SIM_DUTY: Actor = { id: 'sim-duty', name: '值班员（模拟）', role: 'duty' };

export function departmentActor(department: Pick<Department, 'id' | 'name'>): Actor {
  return {
    id: `dept:${department.id}`,
    name: department.name,
    role: 'department',
    departmentId: department.id,
  };
}

/** A grid worker's phone, as the simulator uses it: its own reports, 核查 and 回访. */
export function gridWorkerActor(worker: Pick<GridWorker, 'id' | 'name'>): Actor & { role: 'grid' } {
  return { id: `gw:${worker.id}`, name: worker.name, role: 'grid', gridWorkerId: worker.id };
}

/** How one incident's life will go, decided once when it arrives. */
export interface CasePlan {
  /** Left in the queue a while for a human duty officer before the simulator takes it. */
  leftForHuman: boolean;
  /** 不予受理: a duplicate or something outside the centre's remit. */
  reject: boolean;
  /** 吹哨: summon several departments (serious or group-risk cases). */
  whistle: boolean;
  /** The step whose deadline the department misses on purpose (超期). */
  miss: 'respond' | 'handle' | null;
  /** The first department sends it back as not theirs (退回). */
  returns: boolean;
  /** A department asks for more time while it handles it (申请延期); the centre answers. */
  extend: boolean;
  /** The centre refuses that request (不予延期) instead of granting it. */
  denyExtension: boolean;
  /** The centre supervises it (督办): serious and group-risk cases. */
  supervise: boolean;
  /** Verification finds it not done and sends it back to handling (重办). */
  reopen: boolean;
  /** The citizen is called back and rates it (回访). */
  evaluate: boolean;
  /** The grid worker goes back and asks (上门回访) rather than the desk calling. */
  evaluateOnSite: boolean;
  rating: number;
  /** A community centre cannot settle it and escalates it to its street (上报). */
  escalate: boolean;
}

export interface CaseFacts {
  category: Category;
  severity: Severity;
  groupRisk: boolean;
}

const RATINGS = { 5: 0.55, 4: 0.3, 3: 0.1, 2: 0.03, 1: 0.02 } as const;

/**
 * Draws an incident's fate. `timeScale` matters because a compressed day can only miss the
 * deadlines the simulator sets itself (respond); hours-long handle limits stay real.
 */
export function drawPlan(
  rng: Random,
  facts: CaseFacts,
  timeScale = 1,
  limits: DeadlineLimits = defaultLimits,
): CasePlan {
  const serious = facts.severity === 'high' || facts.severity === 'critical';
  const missing = chance(rng, 0.1);
  const longCase = ['dispute', 'citizen-request', 'safety-hazard'].includes(facts.category);
  const handleMissable = timeScale <= 1 && limits(facts.category, 'handle') <= MISS_REACH;
  const miss = missing ? (handleMissable && chance(rng, 0.4) ? 'handle' : 'respond') : null;
  return {
    leftForHuman: chance(rng, 0.25),
    reject: !serious && chance(rng, 0.03),
    whistle: facts.groupRisk ? chance(rng, 0.7) : serious && chance(rng, 0.4),
    miss,
    returns: chance(rng, 0.06),
    extend: miss !== 'handle' && longCase && chance(rng, 0.12),
    reopen: chance(rng, 0.03),
    evaluate: chance(rng, 0.75),
    rating: Number(weightedKey(rng, RATINGS)),
    denyExtension: chance(rng, 0.15),
    supervise: (serious || facts.groupRisk) && chance(rng, 0.4),
    evaluateOnSite: chance(rng, 0.5),
    // Drawn last, so the draws above are the ones they always were.
    escalate: chance(rng, 0.15),
  };
}

/** Which department handles what: by kind, and the street office of the incident's street. */
export class DepartmentDirectory {
  readonly byId: Map<string, Department>;
  private readonly byKind = new Map<DepartmentKind, Department[]>();

  constructor(departments: readonly Department[]) {
    this.byId = new Map(departments.map((d) => [d.id, d]));
    for (const d of departments) {
      const list = this.byKind.get(d.kind) ?? [];
      list.push(d);
      this.byKind.set(d.kind, list);
    }
  }

  /** A department of this kind that serves the street (a street office only serves its own). */
  find(kind: DepartmentKind, streetId: string, rng: Random, exclude: ReadonlySet<string>) {
    const all = (this.byKind.get(kind) ?? []).filter((d) => !exclude.has(d.id));
    const local = all.filter((d) => d.streetId === streetId);
    if (local.length) return pick(rng, local);
    if (kind === 'street-office') return undefined;
    const citywide = all.filter((d) => !d.streetId);
    return citywide.length ? pick(rng, citywide) : undefined;
  }

  /**
   * Who to send it to: the title's usual departments (the first most likely), else the
   * category's, else the street office; for a whistle, two or three of them.
   */
  choose(
    rng: Random,
    incident: Pick<Incident, 'category' | 'streetId'>,
    preferred: readonly DepartmentKind[] | undefined,
    whistle: boolean,
    exclude: ReadonlySet<string> = new Set(),
  ): string[] {
    const kinds = unique<DepartmentKind>([
      ...(preferred ?? []),
      ...CATEGORY_DEPARTMENTS[incident.category],
    ]);
    // The street office and the police stand behind every category, when none of its own fits.
    const ranked = unique<DepartmentKind>([
      ...rankKinds(rng, kinds),
      'street-office',
      'public-security',
    ]);
    const chosen: Department[] = [];
    const taken = new Set(exclude);
    const want = whistle ? intBetween(rng, 2, 3) : 1;
    for (const kind of ranked) {
      if (chosen.length >= want) break;
      const d = this.find(kind, incident.streetId, rng, taken);
      if (d) {
        chosen.push(d);
        taken.add(d.id);
      }
    }
    if (!chosen.length) {
      const any = [...this.byId.values()].filter((d) => !exclude.has(d.id));
      if (any.length) chosen.push(pick(rng, any));
    }
    return chosen.map((d) => d.id);
  }
}

/** Orders kinds at random, the earlier ones in the list more likely first (1, 1/2, 1/3 …). */
function rankKinds(rng: Random, kinds: readonly DepartmentKind[]): DepartmentKind[] {
  const left = [...kinds];
  const out: DepartmentKind[] = [];
  while (left.length) {
    const weights = Object.fromEntries(left.map((k, i) => [k, 1 / (i + 1)])) as Record<
      DepartmentKind,
      number
    >;
    const k = weightedKey(rng, weights);
    out.push(k);
    left.splice(left.indexOf(k), 1);
  }
  return out;
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** Typical working times at timeScale 1, in milliseconds. */
const HANDLE_MEDIAN: Readonly<Record<Category, number>> = {
  'public-order': 45 * MINUTE,
  'video-alarm': 30 * MINUTE,
  emergency: 50 * MINUTE,
  'city-management': 70 * MINUTE,
  'safety-hazard': 2.5 * HOUR,
  dispute: 3 * HOUR,
  'citizen-request': 5 * HOUR,
};

const URGENT: readonly Category[] = ['emergency', 'video-alarm', 'public-order'];

function urgent(facts: CaseFacts): boolean {
  return URGENT.includes(facts.category) || facts.severity === 'critical';
}

export const delays = {
  accept(rng: Random, facts: CaseFacts): number {
    return urgent(facts)
      ? duration(rng, 1.2 * MINUTE, 0.5, 20_000, 4 * MINUTE)
      : duration(rng, 2.5 * MINUTE, 0.6, 40_000, 8 * MINUTE);
  },
  /** A human's queue: a while, but inside the accept limit so it is not overdue at once. */
  humanQueue(rng: Random, facts: CaseFacts, limits: DeadlineLimits): number {
    const limit = limits(facts.category, 'accept');
    return Math.min(between(rng, 10, 40) * MINUTE, between(rng, 0.6, 0.9) * limit);
  },
  dispatch(rng: Random, facts: CaseFacts): number {
    return urgent(facts)
      ? duration(rng, 1.5 * MINUTE, 0.5, 30_000, 5 * MINUTE)
      : duration(rng, 4 * MINUTE, 0.6, MINUTE, 15 * MINUTE);
  },
  respond(rng: Random, facts: CaseFacts): number {
    return urgent(facts)
      ? duration(rng, 6 * MINUTE, 0.4, 2 * MINUTE, 12 * MINUTE)
      : duration(rng, 13 * MINUTE, 0.35, 5 * MINUTE, 25 * MINUTE);
  },
  handle(rng: Random, facts: CaseFacts): number {
    const median = HANDLE_MEDIAN[facts.category];
    return duration(rng, median, 0.6, 10 * MINUTE, median * 4);
  },
  verify(rng: Random): number {
    return duration(rng, 20 * MINUTE, 0.6, 5 * MINUTE, 2 * HOUR);
  },
  evaluate(rng: Random): number {
    return duration(rng, 1.5 * HOUR, 0.6, 20 * MINUTE, 6 * HOUR);
  },
  /** How far past a deadline a missed step lands. */
  lateBy(rng: Random): number {
    return between(rng, 2, 12) * MINUTE;
  },
};

/** An action without the version: the runner adds the version it holds when the time comes. */
export type StepRequest = ActionRequest extends infer R
  ? R extends ActionRequest
    ? Omit<R, 'version'>
    : never
  : never;

export interface Step {
  /** Milliseconds from now, already divided by the time scale. */
  delayMs: number;
  actor: Actor;
  request: StepRequest;
}

export interface CaseMemory {
  /** Departments that sent it back, never chosen again. */
  returnedBy: Set<string>;
  /** More time was asked for (or given) once; a reopened case does not ask again. */
  extended: boolean;
  reopened: boolean;
  supervised: boolean;
  /** The patrol sent on arrival is on the incident's record (send-patrol). */
  patrolRecorded: boolean;
  /** How many times a centre handed it up (上报). */
  escalations?: number;
}

export interface PlanContext {
  rng: Random;
  timeScale: number;
  now: Date;
  directory: DepartmentDirectory;
  limits?: DeadlineLimits;
  /** The city's grid workers by id: whoever has the incident's grid checks and calls back. */
  gridWorkers?: ReadonlyMap<string, Pick<GridWorker, 'id' | 'name'>>;
  /** Region names by id, for the sub-centres' simulated duty officers. */
  regionNames?: ReadonlyMap<string, string>;
}

const ESCALATE = [
  '涉及多个社区，本级难以协调，提请街道统筹处置',
  '当事人情绪激动，社区调解未果，上报街道',
  '需执法部门介入，超出社区处置权限，请求提级',
];

/** A sub-centre's simulated duty officer, acting for its own level. */
function centreActor(
  level: CentreLevel,
  incident: Pick<Incident, 'communityId' | 'streetId' | 'districtId'>,
  names: ReadonlyMap<string, string> | undefined,
): Actor {
  if (level === 'city') return SIM_DUTY;
  const regionId = regionAt(incident, level);
  const name = names?.get(regionId) ?? regionId;
  return {
    id: `sim-centre-${regionId}`,
    name: `${name}综治中心（模拟）`,
    role: 'duty',
    regionId,
    regionLevel: level,
  };
}

export interface CaseState extends CaseFacts {
  plan: CasePlan;
  memory: CaseMemory;
  preferred: readonly DepartmentKind[] | undefined;
  /** Patrols the simulator sent when it came in, recorded on the incident once accepted. */
  patrolIds?: readonly string[];
}

const COMMENTS = {
  reject: ['经核实为重复上报，不予受理', '不属于综治中心受理范围，已告知当事人通过其他渠道反映'],
  dispatch: ['请按时限签收并处置', '请尽快到场核实处置'],
  whistle: ['中心吹哨，请各部门按时报到、联合处置', '涉及多部门职责，联合处置'],
  respond: ['已签收，正在赶赴现场', '已签收，安排专人跟进'],
  return: ['经核实不属于本单位职责范围，请重新派遣', '事发地不在本单位辖区，退回重新派遣'],
  extend: ['涉及多方协调，需延长办理时限', '当事人暂时无法到场，申请延期办理'],
  grant: ['同意延期，请在新的时限内办结', '经研究同意延期，请抓紧协调处置'],
  deny: ['不同意延期，请按原时限办结', '群众反映强烈，不予延期，请加快办理'],
  supervise: ['事态较重，中心督办，请限时办结并及时反馈', '涉及群体性风险，请高度重视、加快处置'],
  remind: ['办理时限将至，请抓紧处置并反馈', '请加快办理，即将超时'],
  sendPatrol: ['已调派附近巡逻力量到场', '请就近巡逻队到场协助处置'],
  checkPassed: ['现场核查，问题已整改到位', '已到现场核查，处置结果属实'],
  checkFailed: ['现场核查发现问题仍未解决', '核查时现场问题反复，需重新处置'],
  reopen: ['核查发现问题未彻底解决，重新处置'],
  close: ['经核查已处置完毕，予以结案'],
  evaluate: {
    5: '群众表示非常满意',
    4: '群众表示满意',
    3: '群众表示基本满意',
    2: '群众认为处理较慢',
    1: '群众不满意，认为问题未解决',
  } as Record<number, string>,
  report: {
    dispute: ['经人民调解员现场调解，双方达成和解协议', '已组织双方座谈，签订调解协议书'],
    'public-order': ['民警已到场处置，当事人已带离调查', '现场秩序已恢复'],
    'safety-hazard': ['已督促责任人整改，隐患已消除', '已现场清理并下发整改通知书'],
    'city-management': ['已劝离摊贩并清理现场', '已责令当事人限期整改，现场已恢复'],
    'citizen-request': ['已电话答复市民，相关政策已解释清楚', '已协调相关单位解决，市民认可'],
    'video-alarm': ['已调看视频并派员到场核实，现场已处置', '经现场核实，已劝离相关人员'],
    emergency: ['救援力量已到场处置完毕，无人员伤亡', '伤者已送医，道路已恢复通行'],
  } as Record<Category, string[]>,
};

/**
 * The next steps for an incident that has just entered `incident.state` (for a fresh report,
 * pass only what is known: state 'reported'). Pure: delays are drawn from the context's
 * generator and divided by the time scale.
 */
export function nextSteps(
  incident: Pick<Incident, 'state' | 'category' | 'streetId' | 'assignments' | 'deadline'> &
    Partial<Pick<Incident, 'gridWorkerId'>>,
  state: CaseState,
  ctx: PlanContext,
): Step[] {
  const { rng, directory } = ctx;
  const limits = ctx.limits ?? defaultLimits;
  const scale = (ms: number) => ms / ctx.timeScale;
  const { plan, memory } = state;
  const dept = (id: string) => departmentActor(directory.byId.get(id) ?? { id, name: id });
  // Unless a miss is planned, people finish a step comfortably before its deadline.
  const inTime = (ms: number, limitMs: number) => Math.min(ms, limitMs * 0.85);
  const beforeDue = (ms: number) => {
    const dueAt = incident.deadline ? Date.parse(incident.deadline.dueAt) : NaN;
    return Number.isNaN(dueAt) ? ms : Math.max(0, Math.min(ms, (dueAt - ctx.now.getTime()) * 0.85));
  };
  switch (incident.state) {
    case 'reported': {
      const delayMs = plan.leftForHuman
        ? scale(delays.humanQueue(rng, state, limits))
        : scale(inTime(delays.accept(rng, state), limits(state.category, 'accept')));
      const request: StepRequest = plan.reject
        ? { action: 'reject', comment: pick(rng, COMMENTS.reject) }
        : { action: 'accept' };
      return [{ delayMs, actor: SIM_DUTY, request }];
    }
    case 'accepted': {
      const withinLevels = incident as Partial<Pick<Incident, 'handover' | 'centreLevel'>> &
        Partial<Pick<Incident, 'communityId' | 'districtId'>>;
      const place = {
        communityId: withinLevels.communityId ?? '',
        streetId: incident.streetId,
        districtId: withinLevels.districtId ?? '',
      };
      // Handed to a level: its centre takes it (接收), most comfortably in time.
      const handover = withinLevels.handover;
      if (handover && place.communityId) {
        const limit = Date.parse(handover.dueAt) - ctx.now.getTime();
        return [
          {
            delayMs: Math.max(0, limit) * between(rng, 0.1, chance(rng, 0.1) ? 1.2 : 0.7),
            actor: centreActor(handover.to, place, ctx.regionNames),
            request: { action: 'take' },
          },
        ];
      }
      // A community centre that cannot settle it hands it up; a street, now and then, too.
      const escalations = memory.escalations ?? 0;
      const holder = withinLevels.centreLevel;
      if (
        place.communityId &&
        plan.escalate &&
        holder &&
        ((holder === 'community' && escalations === 0) ||
          (holder === 'street' && escalations === 1 && chance(rng, 0.3)))
      ) {
        memory.escalations = escalations + 1;
        return [
          {
            delayMs: scale(between(rng, 60_000, 10 * 60_000)),
            actor: centreActor(holder, place, ctx.regionNames),
            request: {
              action: 'escalate',
              comment:
                holder === 'community' ? pick(rng, ESCALATE) : '事态超出街道处置能力，提请市级统筹',
            },
          },
        ];
      }
      const ids = directory.choose(
        rng,
        incident,
        state.preferred,
        plan.whistle && !memory.returnedBy.size,
        memory.returnedBy,
      );
      if (!ids.length) return [];
      const delayMs = scale(
        inTime(delays.dispatch(rng, state), limits(state.category, 'dispatch')),
      );
      // A compressed demo day gets compressed respond deadlines too, so 超期 can show.
      const dueAt =
        ctx.timeScale > 1
          ? new Date(
              ctx.now.getTime() +
                delayMs +
                Math.max(20_000, scale(limits(state.category, 'respond'))),
            ).toISOString()
          : undefined;
      const request: StepRequest =
        ids.length > 1
          ? {
              action: 'whistle',
              departmentIds: ids,
              comment: pick(rng, COMMENTS.whistle),
              ...(dueAt ? { dueAt } : {}),
            }
          : {
              action: 'dispatch',
              departmentId: ids[0]!,
              comment: pick(rng, COMMENTS.dispatch),
              ...(dueAt ? { dueAt } : {}),
            };
      const steps: Step[] = [{ delayMs, actor: SIM_DUTY, request }];
      if (state.patrolIds?.length && !memory.patrolRecorded) {
        // Recorded before the dispatch: the dispatch moves the incident on, and a step planned
        // for a state the incident has left is dropped.
        steps.unshift({
          delayMs: delayMs * between(rng, 0.2, 0.6),
          actor: SIM_DUTY,
          request: {
            action: 'send-patrol',
            patrolIds: [...state.patrolIds],
            comment: pick(rng, COMMENTS.sendPatrol),
          },
        });
      }
      return steps;
    }
    case 'dispatched': {
      const waiting = incident.assignments.filter((a) => a.respondedAt === null);
      if (
        plan.returns &&
        !memory.returnedBy.size &&
        incident.assignments.length === 1 &&
        waiting.length === 1
      ) {
        const id = waiting[0]!.departmentId;
        return [
          {
            delayMs: beforeDue(scale(delays.respond(rng, state) * 0.7)),
            actor: dept(id),
            request: { action: 'return', departmentId: id, comment: pick(rng, COMMENTS.return) },
          },
        ];
      }
      const steps: Step[] = waiting.map((a) => ({
        delayMs: lateIfPlanned(
          beforeDue(scale(delays.respond(rng, state))),
          plan.miss === 'respond',
          incident.deadline?.dueAt,
          ctx,
        ),
        actor: dept(a.departmentId),
        request: {
          action: 'respond',
          departmentId: a.departmentId,
          comment: pick(rng, COMMENTS.respond),
        },
      }));
      return [...steps, ...reminder(steps, incident.deadline?.dueAt, plan.miss === 'respond', ctx)];
    }
    case 'handling': {
      const waiting = incident.assignments.filter((a) => a.reportedAt === null);
      const deadline = incident.deadline;
      const extending = plan.extend && !memory.extended && deadline !== null && waiting.length > 0;
      const granted = extending && !plan.denyExtension;
      // An extension is asked for because the work runs long: half the limit more, at least 1 h.
      const extendedDue = deadline
        ? Date.parse(deadline.dueAt) + Math.max(scale(limits(state.category, 'handle')) / 2, HOUR)
        : 0;
      const steps: Step[] = waiting.map((a) => {
        const work = scale(delays.handle(rng, state));
        return {
          delayMs: granted
            ? Math.min(work * 1.5, (extendedDue - ctx.now.getTime()) * 0.85)
            : lateIfPlanned(
                beforeDue(work),
                plan.miss === 'handle' && !memory.reopened,
                deadline?.dueAt,
                ctx,
              ),
          actor: dept(a.departmentId),
          request: {
            action: 'report',
            departmentId: a.departmentId,
            comment: pick(rng, COMMENTS.report[state.category]),
          },
        };
      });
      if (!steps.length) return steps;
      // Everything the centre and the departments say meanwhile comes before the first report:
      // the last report moves the incident on, and the steps planned for handling go with it.
      const first = Math.min(...steps.map((s) => s.delayMs));
      const extra: Step[] = [];
      if (plan.supervise && !memory.supervised) {
        extra.push({
          delayMs: first * between(rng, 0.1, 0.4),
          actor: SIM_DUTY,
          request: { action: 'supervise', comment: pick(rng, COMMENTS.supervise) },
        });
      }
      if (extending) {
        // 申请延期 by a department still at work, answered by the duty officer minutes later.
        const asker = pick(rng, waiting).departmentId;
        const askAt = beforeDue(first * between(rng, 0.2, 0.45));
        const answerAt =
          askAt + Math.min(scale(between(rng, 3, 20) * MINUTE), (first - askAt) * 0.6);
        const dueAt = new Date(extendedDue).toISOString();
        extra.push(
          {
            delayMs: askAt,
            actor: dept(asker),
            request: {
              action: 'ask-extension',
              departmentId: asker,
              dueAt,
              comment: pick(rng, COMMENTS.extend),
            },
          },
          {
            delayMs: answerAt,
            actor: SIM_DUTY,
            request: granted
              ? { action: 'extend', dueAt, comment: pick(rng, COMMENTS.grant) }
              : { action: 'deny-extension', comment: pick(rng, COMMENTS.deny) },
          },
        );
      } else {
        extra.push(...reminder(steps, deadline?.dueAt, plan.miss === 'handle', ctx));
      }
      return [...steps, ...extra];
    }
    case 'verifying': {
      const reopen = plan.reopen && !memory.reopened;
      const verifyMs = scale(delays.verify(rng));
      const decision: Step = reopen
        ? {
            delayMs: verifyMs,
            actor: SIM_DUTY,
            request: { action: 'reopen', comment: pick(rng, COMMENTS.reopen) },
          }
        : {
            delayMs: verifyMs,
            actor: SIM_DUTY,
            request: { action: 'close', comment: pick(rng, COMMENTS.close) },
          };
      const worker = incident.gridWorkerId
        ? ctx.gridWorkers?.get(incident.gridWorkerId)
        : undefined;
      if (!worker) return [decision];
      // 核查: the incident's grid worker looks on the spot first; the desk decides on that.
      return [
        {
          delayMs: verifyMs * between(rng, 0.3, 0.7),
          actor: gridWorkerActor(worker),
          request: {
            action: 'check',
            passed: !reopen,
            comment: pick(rng, reopen ? COMMENTS.checkFailed : COMMENTS.checkPassed),
          },
        },
        decision,
      ];
    }
    case 'closed': {
      if (!plan.evaluate) return [];
      const worker = incident.gridWorkerId
        ? ctx.gridWorkers?.get(incident.gridWorkerId)
        : undefined;
      const said = COMMENTS.evaluate[plan.rating] ?? '已回访';
      // 回访: the grid worker goes round for about half of them, the desk calls the rest.
      const onSite = worker !== undefined && plan.evaluateOnSite;
      return [
        {
          delayMs: scale(delays.evaluate(rng)),
          actor: onSite ? gridWorkerActor(worker) : SIM_DUTY,
          request: {
            action: 'evaluate',
            rating: plan.rating,
            comment: onSite ? `上门回访，${said}` : said,
          },
        },
      ];
    }
    default:
      return [];
  }
}

/**
 * 催办: when a department is still at it late in its time (or is going to miss it), the duty
 * officer now and then presses it shortly before the deadline, before its answer comes.
 */
function reminder(
  steps: readonly Step[],
  dueAt: string | undefined,
  missing: boolean,
  ctx: PlanContext,
): Step[] {
  if (!dueAt || !steps.length) return [];
  const untilDue = Date.parse(dueAt) - ctx.now.getTime();
  if (!(untilDue > 0)) return [];
  const at = untilDue * between(ctx.rng, 0.6, 0.8);
  const last = Math.max(...steps.map((s) => s.delayMs));
  if (last <= at || !chance(ctx.rng, missing ? 0.6 : 0.3)) return [];
  return [
    {
      delayMs: at,
      actor: SIM_DUTY,
      request: { action: 'remind', comment: pick(ctx.rng, COMMENTS.remind) },
    },
  ];
}

/**
 * When a step is meant to miss its deadline, it waits until just past it, as long as the
 * deadline is within reach (a three-day dispute limit is not worth waiting out in a demo).
 */
function lateIfPlanned(
  delayMs: number,
  planned: boolean,
  dueAt: string | undefined,
  ctx: PlanContext,
): number {
  if (!planned || !dueAt) return delayMs;
  const untilDue = Date.parse(dueAt) - ctx.now.getTime();
  const reach = Math.max(delayMs * 3, 5 * MINUTE, MISS_REACH / ctx.timeScale);
  if (untilDue > reach) return delayMs;
  // Past the deadline by a few (scaled) minutes, and by at least a few real seconds so the
  // server's overdue clock has flagged it first.
  return Math.max(delayMs, untilDue + Math.max(delays.lateBy(ctx.rng) / ctx.timeScale, 3_000));
}
