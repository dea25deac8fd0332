import { useSessionStore } from '../stores/session.js';

/**
 * Who this phone is for: its grid worker or patrol team. The outbox and the duty state are kept
 * under it, so a phone passed to another worker keeps each one's reports apart.
 */
export function phoneAccount(): string {
  const session = useSessionStore();
  const { gridWorkerId, patrolId } = session.binding;
  if (gridWorkerId) return `grid-${gridWorkerId}`;
  if (patrolId) return `patrol-${patrolId}`;
  return `user-${session.name || 'unknown'}`;
}

/**
 * A report's externalId, made once when it is written. `crypto.randomUUID` exists only in
 * secure contexts; an intranet served over plain HTTP still has getRandomValues.
 */
export function newExternalId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
