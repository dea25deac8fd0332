import {
  applyAction,
  summarize,
  type ActionRequest,
  type Actor,
  type DeadlineLimits,
  type Delta,
  type Incident,
  type City,
} from '../../shared/index.js';
import { NO_AUDIT, type AuditTrail } from '../audit/audit.js';
import { ACTION_ERROR_STATUS, HttpError } from '../http-error.js';
import type { DeltaBus, WriteQueue } from '../live/bus.js';
import type { Clock } from '../live/clock.js';
import { StaleWriteError } from '../store/sqlite-store.js';
import type { Scopes } from '../levels/scopes.js';
import type { Store } from '../store/store.js';

const SYSTEM: Actor = { id: 'system', name: '系统', role: 'system' };

/** Which of these photos are not stored (server/attachments). */
export interface PhotoCheck {
  missing(ids: readonly string[]): string[];
}

/** Refuses photos that were never uploaded: the timeline would name pictures nobody can see. */
export function checkPhotos(check: PhotoCheck, ids: readonly string[] | undefined, path: string) {
  const missing = ids?.length ? check.missing(ids) : [];
  if (missing.length)
    throw new HttpError(400, `${path}: no uploaded photo ${missing.join(', ')}`, {
      code: 'unknown_attachment',
      fields: [{ path, message: `not uploaded: ${missing.join(', ')}` }],
    });
}

/** Runs desk and department actions through the shared state machine and records them. */
export class WorkflowService {
  private readonly departments: Set<string>;
  private readonly gridWorkers: Set<string>;
  private readonly patrols: Set<string>;

  constructor(
    private readonly store: Store,
    private readonly bus: DeltaBus,
    private readonly queue: WriteQueue,
    city: Pick<City, 'departments' | 'gridWorkers' | 'patrols'>,
    private readonly clock: Clock,
    private readonly limits: DeadlineLimits,
    private readonly audit: AuditTrail = NO_AUDIT,
    private readonly photos: PhotoCheck = { missing: () => [] },
    private readonly scopes?: Scopes,
  ) {
    this.departments = new Set(city.departments.map((d) => d.id));
    this.gridWorkers = new Set(city.gridWorkers.map((w) => w.id));
    this.patrols = new Set(city.patrols.map((p) => p.id));
  }

  /**
   * Applies a desk's or department's action, from REST or the socket alike; every attempt, done
   * or refused, goes on the audit trail. `origin.address` is the client's, where the caller has it.
   */
  async act(
    incidentId: string,
    request: ActionRequest,
    actor: Actor,
    origin: { address?: string } = {},
  ): Promise<Incident> {
    const entry = {
      action: 'incident.act',
      actor: actor.id,
      actorRole: actor.role,
      ...(origin.address ? { address: origin.address } : {}),
      incidentId,
    } as const;
    try {
      const incident = await this.applyRequest(incidentId, request, actor);
      this.audit.record({ ...entry, outcome: 'ok', detail: { action: request.action } });
      return incident;
    } catch (err) {
      const known = err instanceof HttpError;
      this.audit.record({
        ...entry,
        outcome: 'refused',
        detail: {
          action: request.action,
          message: known ? err.message : 'internal error',
          ...(known ? { status: err.status, code: err.code } : {}),
        },
      });
      throw err;
    }
  }

  private applyRequest(
    incidentId: string,
    request: ActionRequest,
    given: Actor,
  ): Promise<Incident> {
    this.checkReferences(request);
    // The rules need the level of the actor's sub-centre, which the server knows.
    const actor = this.scopes?.actor(given) ?? given;
    return this.queue.run(async () => {
      const incident = await this.store.getIncident(incidentId);
      if (!incident)
        throw new HttpError(404, `no incident ${incidentId}`, { code: 'incident_not_found' });
      this.checkDepartmentAreas(request, incident);
      const result = applyAction(
        incident,
        request,
        actor,
        this.clock(),
        this.limits,
        this.scopes?.rules,
      );
      if (!result.ok) {
        throw new HttpError(ACTION_ERROR_STATUS[result.kind], result.message, {
          code: result.code,
        });
      }
      await this.save(result.incident);
      return result.incident;
    });
  }

  /**
   * Flags once, as the server's clock, a passed deadline (超期) or a handover between levels the
   * receiving centre did not take in time (接收超时), and pushes it to every screen.
   */
  flagOverdue(incidentId: string, dueAt: string, what: 'step' | 'take' = 'step'): Promise<void> {
    return this.queue.run(async () => {
      const incident = await this.store.getIncident(incidentId);
      const running = what === 'take' ? incident?.handover : incident?.deadline;
      if (!incident || !running || running.flagged || running.dueAt !== dueAt) return;
      const at = this.clock().toISOString();
      const flagged =
        what === 'take'
          ? { handover: { ...incident.handover!, flagged: true } }
          : { wasOverdue: true, deadline: { ...incident.deadline!, flagged: true } };
      await this.save({
        ...incident,
        ...flagged,
        version: incident.version + 1,
        updatedAt: at,
        timeline: [
          ...incident.timeline,
          {
            at,
            action: 'overdue',
            actor: SYSTEM,
            from: incident.state,
            to: incident.state,
            detail:
              what === 'take'
                ? { step: 'take', level: incident.handover!.to, dueAt }
                : { step: incident.deadline!.step, dueAt },
          },
        ],
      });
    });
  }

  private async save(incident: Incident): Promise<Delta[]> {
    try {
      const deltas = await this.store.commit(
        { incidents: [incident], deltas: [{ type: 'incident', incident: summarize(incident) }] },
        this.clock(),
      );
      this.bus.publish(deltas);
      return deltas;
    } catch (err) {
      // Someone else's write landed first: to the desk, the same as acting on an old version.
      if (err instanceof StaleWriteError)
        throw new HttpError(409, err.message, { code: 'stale_version' });
      throw err;
    }
  }

  /** A street's office or a community's station is sent only to matters in its own area. */
  private checkDepartmentAreas(request: ActionRequest, incident: Incident): void {
    const scopes = this.scopes;
    if (!scopes) return;
    const ids =
      request.action === 'dispatch'
        ? [request.departmentId]
        : request.action === 'whistle'
          ? request.departmentIds
          : [];
    const outside = ids.filter((id) => !scopes.departmentServes(id, incident));
    if (outside.length) {
      const path = request.action === 'whistle' ? 'departmentIds' : 'departmentId';
      throw new HttpError(400, `${path}: ${outside.join(', ')} serve another area`, {
        code: 'department_outside_area',
        fields: [{ path, message: `serves another area: ${outside.join(', ')}` }],
      });
    }
  }

  private checkReferences(request: ActionRequest): void {
    checkPhotos(this.photos, request.photos, 'photos');
    if (request.action === 'send-patrol') {
      const unknown = request.patrolIds.filter((id) => !this.patrols.has(id));
      if (unknown.length)
        throw new HttpError(400, `patrolIds: no patrol ${unknown.join(', ')}`, {
          code: 'unknown_patrol',
          fields: [{ path: 'patrolIds', message: `no patrol ${unknown.join(', ')}` }],
        });
    }
    const departments =
      request.action === 'dispatch' ||
      request.action === 'respond' ||
      request.action === 'report' ||
      request.action === 'ask-extension'
        ? [request.departmentId]
        : request.action === 'whistle'
          ? request.departmentIds
          : [];
    for (const id of departments) {
      if (!this.departments.has(id)) {
        const path = request.action === 'whistle' ? 'departmentIds' : 'departmentId';
        throw new HttpError(400, `${path}: no department ${id}`, {
          code: 'unknown_department',
          fields: [{ path, message: `no department ${id}` }],
        });
      }
    }
    if (request.action === 'assign' && !this.gridWorkers.has(request.gridWorkerId)) {
      throw new HttpError(400, `gridWorkerId: no grid worker ${request.gridWorkerId}`, {
        code: 'unknown_grid_worker',
        fields: [{ path: 'gridWorkerId', message: `no grid worker ${request.gridWorkerId}` }],
      });
    }
  }
}
