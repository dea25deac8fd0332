import {
  BINDINGS,
  ROLE_BINDINGS,
  type Binding,
  type BoundRole,
  type City,
  type Role,
} from '../../shared/index.js';

/**
 * Who a user acts as (ROLE_BINDINGS): the department, grid worker or patrol team its role is
 * bound to. The binding is what keeps one grid worker's phone off another's incidents, so every
 * place that holds a user (the config, the accounts file, the CLI, the live accounts, the
 * session) checks and carries all of them the same way, from here.
 */
export type Bindings = Partial<Record<Binding, string>>;

/** The binding a role needs, or undefined for a role that has none. */
export function bindingOf(role: Role): Binding | undefined {
  return role in ROLE_BINDINGS ? ROLE_BINDINGS[role as BoundRole] : undefined;
}

/**
 * What is wrong with a user's bindings: the one its role needs missing, or one meant for another
 * role present. A binding on the wrong role is refused rather than ignored, since it would say
 * the user acts for someone it does not.
 */
export function bindingIssues(
  user: { role: Role } & Bindings,
): { binding: Binding; message: string }[] {
  const needed = bindingOf(user.role);
  const issues: { binding: Binding; message: string }[] = [];
  if (needed && !user[needed])
    issues.push({ binding: needed, message: `required for role ${user.role}` });
  for (const [role, binding] of Object.entries(ROLE_BINDINGS))
    if (binding !== needed && user[binding] !== undefined)
      issues.push({ binding, message: `only for role ${role}` });
  return issues;
}

/** The bindings a user has, and no other field: for a principal, a login answer, an actor. */
export function bindingsOf(user: Bindings): Bindings {
  const out: Bindings = {};
  for (const binding of BINDINGS) {
    const value = user[binding];
    if (value) out[binding] = value;
  }
  return out;
}

/** Whether two users (or a user and a principal) act as the same department, worker, patrol. */
export function sameBindings(a: Bindings, b: Bindings): boolean {
  return BINDINGS.every((binding) => (a[binding] || undefined) === (b[binding] || undefined));
}

/**
 * A role a wall device token may have: not a bound one. A token has no binding to carry, and a
 * grid, patrol or department principal bound to no one must never exist.
 */
export const UNBOUND_ROLE_MESSAGE =
  'a wall token cannot have a bound role (department, grid, patrol)';
export function isUnboundRole(role: Role): boolean {
  return bindingOf(role) === undefined;
}

/** What the city package calls each binding's list, for messages. */
const WHAT: Record<Binding, string> = {
  departmentId: 'department',
  gridWorkerId: 'grid worker',
  patrolId: 'patrol',
};

/**
 * The users bound to a department, grid worker or patrol that the city package does not have,
 * one line each. Such a user could sign in but would act for no one the city knows (or, once the
 * package gains that id, for someone nobody meant), so a start should refuse it outside the demo.
 */
export function unknownBindings(
  users: Iterable<{ username: string } & Bindings>,
  city: Pick<City, 'departments' | 'gridWorkers' | 'patrols'>,
): string[] {
  const known: Record<Binding, Set<string>> = {
    departmentId: new Set(city.departments.map((d) => d.id)),
    gridWorkerId: new Set(city.gridWorkers.map((w) => w.id)),
    patrolId: new Set(city.patrols.map((p) => p.id)),
  };
  const lines: string[] = [];
  for (const user of users)
    for (const binding of BINDINGS) {
      const id = user[binding];
      if (id && !known[binding].has(id))
        lines.push(
          `user ${user.username} is bound to ${WHAT[binding]} ${id}, which the city package does not have`,
        );
    }
  return lines;
}
