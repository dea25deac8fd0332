import { computed } from 'vue';
import { WALL_PUSH_ROLES } from '../../../shared/realtime/events.js';
import { useSessionStore } from '../stores/session.js';

/** Whether this user may push to the walls; the server checks again on every push. */
export function useCanPush() {
  const session = useSessionStore();
  return computed(
    () => !!session.role && (WALL_PUSH_ROLES as readonly string[]).includes(session.role),
  );
}
