import {
  defaultLimits,
  type ActionRequest,
  type Actor,
  type DeadlineLimits,
  type DepartmentKind,
  type GridWorker,
  type Incident,
  type IncidentState,
  type Severity,
} from '../../shared/index.js';
import type { GeneratedReport } from './arrivals.js';
import type { Clock } from '../live/clock.js';
import type { Agenda } from './agenda.js';
import {
  drawPlan,
  nextSteps,
  type CaseFacts,
  type CaseState,
  type DepartmentDirectory,
  type Step,
} from './handling.js';
import type { Random } from './random.js';

/** What the desk needs of the workflow: the one call REST and the socket make too. */
export interface Workflow {
  act(incidentId: string, request: ActionRequest, actor: Actor): Promise<Incident>;
}

export interface DeskDeps {
  workflow: Workflow;
  agenda: Agenda;
  clock: Clock;
  rng: Random;
  timeScale: number;
  directory: DepartmentDirectory;
  /** The city's grid workers: the incident's own checks (核查) and calls back (回访). */
  gridWorkers?: readonly Pick<GridWorker, 'id' | 'name'>[];
  limits?: DeadlineLimits;
  /** One line per unexpected failure; a 409 (someone acted first) is not unexpected. */
  log: (line: string) => void;
  /** Region names by id, for the sub-centres' simulated duty officers. */
  regionNames?: ReadonlyMap<string, string>;
  /** How many incidents the desk works at once; beyond it, new ones are left to people. */
  maxCases?: number;
}

interface CaseFile extends CaseState {
  id: string;
  version: number;
  /** The incident as the last action returned it (null until the desk first acts). */
  incident: Incident | null;
  /** The state the pending steps were planned for; steps of an older plan do nothing. */
  plannedFor: IncidentState;
  generation: number;
  /** Actions on one incident run one after another, each with the version the last left. */
  chain: Promise<void>;
}

const FINISHED: readonly IncidentState[] = ['evaluated', 'rejected'];

/** What the desk plans a generated report's incident by. */
export function factsOf({ input }: GeneratedReport): CaseFacts {
  return {
    category: input.category,
    severity: (input.severity ?? 'medium') as Severity,
    groupRisk: input.groupRisk ?? false,
  };
}

/** Matters a patrol is sent to, when one is free. */
export function needsPatrol({ input }: GeneratedReport): boolean {
  return (
    ['public-order', 'emergency', 'video-alarm'].includes(input.category) ||
    input.severity === 'high' ||
    input.severity === 'critical'
  );
}

/** What the simulator knows of a new incident beyond its facts. */
export interface TakeOptions {
  /** The title's usual departments, the first most likely. */
  preferred?: readonly DepartmentKind[];
  /** Patrols the simulator sent there: put on the incident's record once it is accepted. */
  patrolIds?: readonly string[];
}

/**
 * The simulated duty desk and departments: they take the incidents the simulator reported and
 * work them through the workflow, as people at a centre would, at the pace of the time scale.
 * When someone else acted first the workflow answers 409; the desk takes the version the
 * answer names and tries that step once more (the state machine refuses it if the other
 * person moved the incident on), and otherwise leaves the incident to them.
 */
export class SimDesk {
  private readonly cases = new Map<string, CaseFile>();
  private stopped = false;
  readonly stats = { acted: 0, conflicts: 0, dropped: 0, failed: 0 };
  private readonly gridWorkers: ReadonlyMap<string, Pick<GridWorker, 'id' | 'name'>>;

  constructor(private readonly deps: DeskDeps) {
    this.gridWorkers = new Map((deps.gridWorkers ?? []).map((w) => [w.id, w]));
  }

  get caseCount(): number {
    return this.cases.size;
  }

  /** A report the simulator posted opened this incident: plan its life and start it. */
  take(incidentId: string, facts: CaseFacts, options: TakeOptions = {}): void {
    if (this.stopped || this.cases.has(incidentId)) return;
    if (this.cases.size >= (this.deps.maxCases ?? 5_000)) return;
    const file = this.caseFile(incidentId, facts, null, 'reported', options);
    this.cases.set(incidentId, file);
    this.schedule(
      file,
      nextSteps(
        {
          state: 'reported',
          category: facts.category,
          streetId: '',
          assignments: [],
          deadline: null,
        },
        file,
        this.context(),
      ),
    );
  }

  /**
   * An incident already under way (the demo's past, running into the present): planned afresh
   * from where it stands, as a colleague taking over a case would.
   */
  resume(incident: Incident): void {
    if (this.stopped || this.cases.has(incident.id) || FINISHED.includes(incident.state)) return;
    const facts: CaseFacts = {
      category: incident.category,
      severity: incident.severity,
      groupRisk: incident.groupRisk,
    };
    const file = this.caseFile(incident.id, facts, incident, incident.state);
    if (incident.state === 'closed' && !file.plan.evaluate) return;
    this.cases.set(incident.id, file);
    this.schedule(file, nextSteps(incident, file, this.context()));
  }

  /** A new case file: its plan drawn, nothing done yet by the simulated desk. */
  private caseFile(
    id: string,
    facts: CaseFacts,
    incident: Incident | null,
    plannedFor: IncidentState,
    options: TakeOptions = {},
  ): CaseFile {
    return {
      ...facts,
      id,
      version: incident?.version ?? 1,
      incident,
      plan: drawPlan(this.deps.rng, facts, this.deps.timeScale, this.deps.limits),
      memory: {
        returnedBy: new Set(),
        extended: false,
        reopened: false,
        supervised: false,
        patrolRecorded: false,
      },
      preferred: options.preferred,
      ...(options.patrolIds?.length ? { patrolIds: options.patrolIds } : {}),
      plannedFor,
      generation: 0,
      chain: Promise.resolve(),
    };
  }

  /** A later report of the simulator's joined this incident, which bumps its version. */
  attached(incidentId: string): void {
    const file = this.cases.get(incidentId);
    if (file) file.version++;
  }

  stop(): void {
    this.stopped = true;
    this.cases.clear();
  }

  private context() {
    return {
      rng: this.deps.rng,
      timeScale: this.deps.timeScale,
      now: this.deps.clock(),
      directory: this.deps.directory,
      limits: this.deps.limits ?? defaultLimits,
      gridWorkers: this.gridWorkers,
      regionNames: this.deps.regionNames,
    };
  }

  private schedule(file: CaseFile, steps: Step[]): void {
    const now = this.deps.clock().getTime();
    const generation = file.generation;
    for (const step of steps) {
      this.deps.agenda.at(now + Math.max(0, step.delayMs), () => {
        if (this.stopped || file.generation !== generation || this.cases.get(file.id) !== file) {
          return;
        }
        file.chain = file.chain.then(() => this.run(file, generation, step));
      });
    }
  }

  private async run(file: CaseFile, generation: number, step: Step): Promise<void> {
    if (this.stopped || file.generation !== generation || this.cases.get(file.id) !== file) return;
    let incident: Incident;
    try {
      incident = await this.act(file, step);
    } catch (err) {
      const status = (err as { status?: number }).status;
      const stale = status === 409 ? /now (\d+)\)/.exec((err as Error).message) : null;
      if (stale && !this.stopped) {
        // Someone (the overdue clock, another report, a person) changed it: try once more
        // with the version they left; the state machine refuses it if they moved it on.
        file.version = Number(stale[1]);
        this.stats.conflicts++;
        try {
          incident = await this.act(file, step);
        } catch (again) {
          this.drop(file, again);
          return;
        }
      } else {
        this.drop(file, err);
        return;
      }
    }
    this.stats.acted++;
    if (this.stopped || this.cases.get(file.id) !== file) return;
    file.version = incident.version;
    file.incident = incident;
    const r = step.request;
    if (r.action === 'return' && r.departmentId) file.memory.returnedBy.add(r.departmentId);
    if (r.action === 'extend' || r.action === 'ask-extension') file.memory.extended = true;
    if (r.action === 'reopen') file.memory.reopened = true;
    if (r.action === 'supervise') file.memory.supervised = true;
    if (r.action === 'send-patrol') file.memory.patrolRecorded = true;
    if (FINISHED.includes(incident.state) || (incident.state === 'closed' && !file.plan.evaluate)) {
      this.cases.delete(file.id);
      return;
    }
    // A move between levels leaves the state as it was, but the next centre plans afresh.
    if (incident.state !== file.plannedFor || r.action === 'escalate' || r.action === 'take') {
      file.plannedFor = incident.state;
      file.generation++;
      this.schedule(file, nextSteps(incident, file, this.context()));
    }
  }

  private act(file: CaseFile, step: Step): Promise<Incident> {
    const request = { ...step.request, version: file.version } as ActionRequest;
    return this.deps.workflow.act(file.id, request, step.actor);
  }

  /** Leaves the incident to people; says so only when the failure was not a plain conflict. */
  private drop(file: CaseFile, err: unknown): void {
    this.cases.delete(file.id);
    this.stats.dropped++;
    const status = (err as { status?: number }).status;
    if (status === 409 || this.stopped) return;
    this.stats.failed++;
    this.deps.log(
      `simulator: left ${file.id} to the desk after ${status ?? 'an error'}: ${(err as Error).message ?? String(err)}`,
    );
  }
}
