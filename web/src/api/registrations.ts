import type { IntakeOutcome, Registration } from '../../../shared/api/intake.js';
import { apiFetch } from './http.js';

export type { Registration } from '../../../shared/api/intake.js';

/**
 * The reception's registration (登记) of a walk-in, call or letter; with `answer`, 即办: closed
 * in the same step.
 */
export function register(registration: Registration): Promise<IntakeOutcome> {
  return apiFetch<IntakeOutcome>('/api/v1/registrations', { body: registration });
}
