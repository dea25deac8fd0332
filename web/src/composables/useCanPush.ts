import { WALL_PUSH_ROLES } from '../../../shared/realtime/events.js';
import { useRoleIn } from './useRoleIn.js';

/** Whether this user may push to the walls; the server checks again on every push. */
export function useCanPush() {
  return useRoleIn(WALL_PUSH_ROLES);
}
