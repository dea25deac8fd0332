import { computed, type ComputedRef } from 'vue';
import type { Role } from '../../../shared/domain/common.js';
import { useSessionStore } from '../stores/session.js';

/**
 * Whether the signed-in role is one of these: a screen shows only the commands its user may
 * give. The server checks again on every request.
 */
export function useRoleIn(roles: readonly Role[]): ComputedRef<boolean> {
  const session = useSessionStore();
  return computed(() => !!session.role && roles.includes(session.role));
}
