import {
  BINDINGS,
  ROLE_BINDINGS,
  type Binding,
  type BoundRole,
  type City,
  type Role,
  SUB_CENTRE_LEVELS,
} from '../../shared/index.js';

/**
 * Who a user acts as (ROLE_BINDINGS): the department, grid worker or patrol team its role is
 * bound to. The binding is what keeps one grid worker's phone off another's incidents, so every
 * place that holds a user (the config, the accounts file, the CLI, the live accounts, the
 * session) checks and carries all of them the same way, from here.
 */
export type Bindings = Partial<Record<Binding | 'regionId', string>>;

/**
 * What a user carries besides its role: its binding, and the sub-centre it works for
 * (`regionId`, any loop role but the phones'). A change to either ends its sessions.
 */
const CARRIED = [...BINDINGS, 'regionId'] as const;

/** The roles a sub-centre's user may have: the desks' and the department's, not the phones'. */
export const SCOPABLE_ROLES: readonly Role[] = ['duty', 'operator', 'leader', 'department'];

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
): { binding: Binding | 'regionId'; message: string }[] {
  const needed = bindingOf(user.role);
  const issues: { binding: Binding | 'regionId'; message: string }[] = [];
  if (needed && !user[needed])
    issues.push({ binding: needed, message: `required for role ${user.role}` });
  for (const [role, binding] of Object.entries(ROLE_BINDINGS))
    if (binding !== needed && user[binding] !== undefined)
      issues.push({ binding, message: `only for role ${role}` });
  if (user.regionId !== undefined && !SCOPABLE_ROLES.includes(user.role))
    issues.push({
      binding: 'regionId',
      message: `a ${user.role} user works for no sub-centre (only ${SCOPABLE_ROLES.join(', ')})`,
    });
  return issues;
}

/** The bindings a user has, and no other field: for a principal, a login answer, an actor. */
export function bindingsOf(user: Bindings): Bindings {
  const out: Bindings = {};
  for (const binding of CARRIED) {
    const value = user[binding];
    if (value) out[binding] = value;
  }
  return out;
}

/** Whether two users (or a user and a principal) act as the same department, worker, patrol. */
export function sameBindings(a: Bindings, b: Bindings): boolean {
  return CARRIED.every((binding) => (a[binding] || undefined) === (b[binding] || undefined));
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
const WHAT: Record<Binding | 'regionId', string> = {
  departmentId: 'department',
  gridWorkerId: 'grid worker',
  patrolId: 'patrol',
  regionId: 'district, street or community region',
};

/**
 * The users bound to a department, grid worker or patrol that the city package does not have,
 * one line each. Such a user could sign in but would act for no one the city knows (or, once the
 * package gains that id, for someone nobody meant), so a start should refuse it outside the demo.
 */
export function unknownBindings(
  users: Iterable<{ username: string } & Bindings>,
  city: Pick<City, 'departments' | 'gridWorkers' | 'patrols' | 'regions'>,
): string[] {
  const known: Record<Binding | 'regionId', Set<string>> = {
    departmentId: new Set(city.departments.map((d) => d.id)),
    gridWorkerId: new Set(city.gridWorkers.map((w) => w.id)),
    patrolId: new Set(city.patrols.map((p) => p.id)),
    // A sub-centre works a district's, street's or community's region.
    regionId: new Set(
      city.regions.features
        .map((f) => f.properties)
        .filter((r) => (SUB_CENTRE_LEVELS as readonly string[]).includes(r.level))
        .map((r) => r.id),
    ),
  };
  const lines: string[] = [];
  for (const user of users)
    for (const binding of CARRIED) {
      const id = user[binding];
      if (id && !known[binding].has(id))
        lines.push(
          `user ${user.username} is bound to ${WHAT[binding]} ${id}, which the city package does not have`,
        );
    }
  return lines;
}
