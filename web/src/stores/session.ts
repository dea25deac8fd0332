import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Role } from '../../../shared/domain/common.js';
import { fetchMe, logIn, logOut, type Binding } from '../api/auth.js';
import { setApiToken } from '../api/http.js';

const STORAGE_KEY = 'city-brain.session';

export type Screen =
  'wall' | 'desk' | 'brief' | 'video' | 'stats' | 'replay' | 'audit' | 'dept' | 'm';

/** Which screens each role may open; the server enforces what each may do on them. */
export const SCREENS_BY_ROLE: Record<Role, Screen[]> = {
  duty: ['desk', 'video', 'wall', 'brief', 'stats', 'replay'],
  operator: ['wall', 'video', 'desk', 'stats', 'replay'],
  leader: ['brief', 'stats', 'replay', 'desk', 'video', 'wall'],
  // A department's own desk (/dept), on a desktop or a phone.
  department: ['dept'],
  // The small screen (/m): the phone in a grid worker's or patrol's hand.
  grid: ['m'],
  patrol: ['m'],
  // The audit trail (at /admin/audit) and nothing of the loop: whoever checks is not one of them.
  admin: ['audit'],
};

export type { Binding } from '../api/auth.js';

interface StoredSession extends Binding {
  token: string;
  role: Role;
  /** What screens call whoever it is: a user's name, a wall's title. */
  name: string;
  /** A wall device's name, the key pushes and tour plans name it by. */
  wall?: string;
}

export const useSessionStore = defineStore('session', () => {
  const stored = readStored();
  const token = ref(stored?.token);
  const role = ref<Role | undefined>(stored?.role);
  const name = ref(stored?.name ?? '');
  const wall = ref(stored?.wall);
  /** The wall this screen is, as pushes and plans name it (a session from before: its name). */
  const wallName = computed(() => wall.value ?? name.value);
  const binding = ref<Binding>(bindingOf(stored));
  setApiToken(token.value);

  const screens = computed(() => (role.value ? SCREENS_BY_ROLE[role.value] : []));

  async function login(username: string, password: string): Promise<void> {
    const s = await logIn(username, password);
    remember(s);
  }

  /** A wall display signs in with its device token from the URL, so a reload needs no typing. */
  async function useDeviceToken(device: string): Promise<void> {
    setApiToken(device);
    const me = await fetchMe();
    remember({ token: device, ...me });
  }

  async function logout(): Promise<void> {
    await logOut().catch(() => undefined);
    forget();
  }

  function forget(): void {
    token.value = undefined;
    role.value = undefined;
    wall.value = undefined;
    setApiToken(undefined);
    localStorage.removeItem(STORAGE_KEY);
  }

  function remember(s: StoredSession): void {
    token.value = s.token;
    role.value = s.role;
    name.value = s.name;
    wall.value = s.wall;
    binding.value = bindingOf(s);
    setApiToken(s.token);
    localStorage.setItem(
      STORAGE_KEY,
      JSON.stringify({
        token: s.token,
        role: s.role,
        name: s.name,
        ...(s.wall ? { wall: s.wall } : {}),
        ...binding.value,
      }),
    );
  }

  return {
    token,
    role,
    name,
    wallName,
    binding,
    screens,
    login,
    useDeviceToken,
    logout,
    forget,
  };
});

function bindingOf(s: Partial<Binding> | undefined): Binding {
  return {
    ...(s?.departmentId ? { departmentId: s.departmentId } : {}),
    ...(s?.gridWorkerId ? { gridWorkerId: s.gridWorkerId } : {}),
    ...(s?.patrolId ? { patrolId: s.patrolId } : {}),
    ...(s?.regionId ? { regionId: s.regionId } : {}),
  };
}

function readStored(): StoredSession | undefined {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}
