import type { Role } from '../../../shared/domain/common.js';
import { apiFetch } from './http.js';

/** Who the user acts as, when its role is bound (ROLE_BINDINGS): department, grid worker, patrol. */
export interface Binding {
  departmentId?: string;
  gridWorkerId?: string;
  patrolId?: string;
  /** The sub-centre (a district's, street's or community's region) it works for; absent: the city's. */
  regionId?: string;
}

export interface LoginAnswer extends Binding {
  token: string;
  role: Role;
  name: string;
  expiresAt?: number;
}

export function logIn(username: string, password: string): Promise<LoginAnswer> {
  return apiFetch<LoginAnswer>('/api/v1/auth/login', { body: { username, password } });
}

/** Who the current token is (a wall's device token has no login). */
/** Who the token is: a wall device also says its name (`wall`), the key pushes and plans use. */
export function fetchMe(): Promise<{ name: string; role: Role; wall?: string } & Binding> {
  return apiFetch('/api/v1/auth/me');
}

export function logOut(): Promise<void> {
  return apiFetch<void>('/api/v1/auth/logout', { method: 'POST' });
}
