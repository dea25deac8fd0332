// npm run user -- <command>: manages the accounts file (users, integration keys, wall tokens)
// that the running server reloads on its own. Reads the same configuration as the server
// (CONFIG_FILE, DATA_DIR, ACCOUNTS_FILE) to find the file.
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import {
  IdSchema,
  ROLE_BINDINGS,
  ROLES,
  RoleSchema,
  type Binding,
  type Role,
} from '../../shared/index.js';
import {
  hashSecret,
  readAccountsFile,
  UsernameSchema,
  writeAccountsFile,
  type AccountsFile,
} from '../auth/accounts-file.js';
import {
  bindingOf,
  isUnboundRole,
  unknownBindings,
  SCOPABLE_ROLES,
  UNBOUND_ROLE_MESSAGE,
  type Bindings,
} from '../auth/bindings.js';
import { DEMO_PASSWORD } from '../auth/demo-credentials.js';
import { createPasswordHash } from '../auth/passwords.js';
import { ConfigError, loadConfig, WallTitleSchema, type Config } from '../config.js';

export const USAGE = `usage: npm run user -- <command>

users:
  add <username> --role <role> --name <name>
      [--department <id> | --grid-worker <id> | --patrol <id>] [--region <id>]
                           add a user; asks for the password twice
  passwd <username>        set a new password; asks for it twice
  disable <username>       sign the user out everywhere and refuse their logins
  enable <username>        let a disabled user sign in again
  list                     list the users (never their password hashes)

integration keys (Authorization: Bearer <key> on POST /api/v1/reports):
  key add <name>           make a key and print it, once
  key list                 list the keys' names
  key remove <name>        remove a key; posts with it get 401 at once

wall device tokens (open /wall#device=<token> once on the wall PC):
  wall add <name> [--title <显示名称>] [--role <role>] [--region <id>]
                           make a wall token (role operator unless given) and print it, once;
                           the screens call the wall by its title (指挥大厅主屏), else its name
  wall list                list the wall tokens' names, titles and roles
  wall remove <name>       remove a token; its walls are disconnected at once

roles: ${ROLES.join(', ')}.
A sub-centre's user or wall (a district's, street's or community's centre) takes --region <id>,
the region of regions.geojson it works: it sees and acts on that area only (docs/LEVELS.md).
Bound roles act as one record of the city package, checked against it: a department user
needs --department <id> (departments.json), a grid user (网格员's phone) --grid-worker <id>
(grid-workers.json), a patrol user (a patrol team's phone) --patrol <id> (patrols.json); no
other role takes any of them. An admin reads the audit trail (/admin/audit) and nothing of the
loop.
Passwords: at least 10 characters, read from the terminal with echo off, or as two lines on
stdin when it is not a terminal. Never on the command line.
The file: ACCOUNTS_FILE, else accountsFile in CONFIG_FILE, else <DATA_DIR>/accounts.json.
A running server picks up every change within a second (or at once on SIGHUP).
`;

const MIN_PASSWORD = 10;
const MAX_PASSWORD = 200;

class CliError extends Error {}

type Options = {
  role?: string;
  name?: string;
  department?: string;
  'grid-worker'?: string;
  patrol?: string;
  region?: string;
  title?: string;
  help?: boolean;
};

/** The option that gives each binding, and what it names in messages. */
const BINDING_OPTIONS = {
  departmentId: { option: 'department', what: 'department' },
  gridWorkerId: { option: 'grid-worker', what: 'grid worker' },
  patrolId: { option: 'patrol', what: 'patrol' },
} as const satisfies Record<Binding, { option: keyof Options; what: string }>;

async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        role: { type: 'string' },
        name: { type: 'string' },
        department: { type: 'string' },
        'grid-worker': { type: 'string' },
        patrol: { type: 'string' },
        region: { type: 'string' },
        title: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\nsee npm run user -- --help`);
  }
  const options: Options = parsed.values;
  const [command, ...args] = parsed.positionals;
  if (options.help || command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (!command) throw new CliError(`no command given\n\n${USAGE}`);
  const config = loadConfig();
  const path = config.accountsFile!;
  const cli = new Commands(config, path, options);
  switch (command) {
    case 'add':
      return cli.add(one(args, 'add <username>'));
    case 'passwd':
      return cli.passwd(one(args, 'passwd <username>'));
    case 'disable':
      return cli.setDisabled(one(args, 'disable <username>'), true);
    case 'enable':
      return cli.setDisabled(one(args, 'enable <username>'), false);
    case 'list':
      none(args, 'list');
      return cli.list();
    case 'key':
    case 'wall': {
      const [sub, ...rest] = args;
      const what = command === 'key' ? 'key' : 'wall';
      if (sub === 'add') return cli.addSecret(what, one(rest, `${command} add <name>`));
      if (sub === 'remove') return cli.removeSecret(what, one(rest, `${command} remove <name>`));
      if (sub === 'list') {
        none(rest, `${command} list`);
        return cli.listSecrets(what);
      }
      throw new CliError(`${command}: expected add, list or remove${sub ? `, not ${sub}` : ''}`);
    }
    default:
      throw new CliError(`unknown command ${command}\nsee npm run user -- --help`);
  }
}

function one(args: string[], form: string): string {
  if (args.length !== 1 || !args[0]) throw new CliError(`usage: npm run user -- ${form}`);
  return args[0];
}

function none(args: string[], form: string): void {
  if (args.length) throw new CliError(`usage: npm run user -- ${form}`);
}

class Commands {
  constructor(
    private readonly config: Config,
    private readonly path: string,
    private readonly options: Options,
  ) {}

  private read(): AccountsFile {
    return readAccountsFile(this.path);
  }

  /** Only these options mean something to the command at hand. */
  private allow(command: string, ...allowed: (keyof Options)[]): void {
    for (const key of ['role', 'name', 'department', 'grid-worker', 'patrol'] as const) {
      if (this.options[key] !== undefined && !allowed.includes(key))
        throw new CliError(`${command} takes no --${key}`);
    }
  }

  async add(username: string): Promise<void> {
    this.allow('add', 'role', 'name', 'department', 'grid-worker', 'patrol', 'region');
    const valid = UsernameSchema.safeParse(username);
    if (!valid.success)
      throw new CliError(`bad username ${username}: ${valid.error.issues[0]!.message}`);
    const role = this.role(this.options.role, true);
    const name = this.options.name?.trim();
    if (!name) throw new CliError('--name <name> is required');
    const bindings = this.bindings(role);
    await this.refuseUnknown(username, bindings);
    this.refuseExisting(username);
    const passwordHash = await createPasswordHash(await newPassword());
    // Read again: the file may have changed while the password was typed.
    const accounts = this.read();
    this.refuseExisting(username, accounts);
    accounts.users.push({
      username,
      name,
      role,
      passwordHash,
      ...bindings,
    });
    writeAccountsFile(this.path, accounts);
    const bound = Object.values(bindings)[0];
    say(`added user ${username} (${role}${bound ? ` ${bound}` : ''}) to ${this.path}`);
  }

  async passwd(username: string): Promise<void> {
    this.allow('passwd');
    this.user(this.read(), username);
    const passwordHash = await createPasswordHash(await newPassword());
    const accounts = this.read();
    this.user(accounts, username).passwordHash = passwordHash;
    writeAccountsFile(this.path, accounts);
    say(`changed the password of ${username}; their sessions end`);
  }

  setDisabled(username: string, disabled: boolean): void {
    this.allow(disabled ? 'disable' : 'enable');
    const accounts = this.read();
    const user = this.user(accounts, username);
    if (disabled) user.disabled = true;
    else delete user.disabled;
    writeAccountsFile(this.path, accounts);
    say(
      disabled
        ? `disabled ${username}; their sessions and screens end`
        : `enabled ${username}; they can log in again`,
    );
  }

  list(): void {
    this.allow('list');
    const rows = this.read().users.map((u) => [
      u.username,
      u.name,
      u.role,
      [u.departmentId ?? u.gridWorkerId ?? u.patrolId, u.regionId].filter(Boolean).join(' ') || '-',
      u.disabled ? 'yes' : 'no',
    ]);
    // One column: a user has at most one binding, and its role says which kind it is.
    table(['USERNAME', 'NAME', 'ROLE', 'BOUND TO', 'DISABLED'], rows);
    const fromConfig = this.config.users.map((u) => u.username);
    if (fromConfig.length)
      process.stderr.write(`also in the config file: ${fromConfig.join(', ')}\n`);
  }

  addSecret(what: 'key' | 'wall', name: string): void {
    this.allow(`${what} add`, ...(what === 'wall' ? (['role', 'region', 'title'] as const) : []));
    const role = what === 'wall' ? this.role(this.options.role ?? 'operator', false) : undefined;
    // A token carries no binding: a grid, patrol or department screen must be a user's.
    if (role && !isUnboundRole(role)) throw new CliError(UNBOUND_ROLE_MESSAGE);
    if (!name.trim() || name.length > 100)
      throw new CliError(`bad name ${JSON.stringify(name)}: 1 to 100 characters`);
    const title = this.options.title?.trim();
    if (this.options.title !== undefined && !WallTitleSchema.safeParse(title).success)
      throw new CliError(`bad title ${JSON.stringify(this.options.title)}: 1 to 40 characters`);
    const accounts = this.read();
    const taken =
      what === 'key'
        ? [...accounts.ingestKeys, ...this.config.ingestKeys]
        : [...accounts.deviceTokens, ...this.config.deviceTokens];
    if (taken.some((s) => s.name === name))
      throw new CliError(`${label(what)} ${name} already exists`);
    const secret = randomBytes(32).toString('base64url');
    if (what === 'key') accounts.ingestKeys.push({ name, keyHash: hashSecret(secret) });
    else
      accounts.deviceTokens.push({
        name,
        ...(title ? { title } : {}),
        tokenHash: hashSecret(secret),
        role: role!,
        ...(this.options.region ? { regionId: this.options.region } : {}),
      });
    writeAccountsFile(this.path, accounts);
    say(`added ${label(what)} ${name}; it is shown this once, only its hash is kept:`);
    process.stdout.write(`${secret}\n`);
  }

  removeSecret(what: 'key' | 'wall', name: string): void {
    this.allow(`${what} remove`);
    const accounts = this.read();
    const list = what === 'key' ? accounts.ingestKeys : accounts.deviceTokens;
    const index = list.findIndex((s) => s.name === name);
    if (index < 0) {
      const inConfig = (what === 'key' ? this.config.ingestKeys : this.config.deviceTokens).some(
        (s) => s.name === name,
      );
      throw new CliError(
        inConfig
          ? `${label(what)} ${name} is in the config, not in ${this.path}; remove it there`
          : `no ${label(what)} ${name}`,
      );
    }
    list.splice(index, 1);
    writeAccountsFile(this.path, accounts);
    say(`removed ${label(what)} ${name}`);
  }

  listSecrets(what: 'key' | 'wall'): void {
    this.allow(`${what} list`);
    const accounts = this.read();
    if (what === 'key')
      table(
        ['NAME'],
        accounts.ingestKeys.map((k) => [k.name]),
      );
    else
      table(
        ['NAME', 'TITLE', 'ROLE'],
        accounts.deviceTokens.map((t) => [t.name, t.title ?? '', t.role]),
      );
  }

  private role(value: string | undefined, required: boolean): Role {
    if (value === undefined) {
      if (required) throw new CliError(`--role is required: one of ${ROLES.join(', ')}`);
      return 'operator';
    }
    const role = RoleSchema.safeParse(value);
    if (!role.success) throw new CliError(`bad role ${value}: use one of ${ROLES.join(', ')}`);
    return role.data;
  }

  /**
   * The binding the role needs, from its option; every other binding option refused, so a
   * user never carries an id that says it acts for someone its role does not.
   */
  private bindings(role: Role): Bindings {
    const needed = bindingOf(role);
    const bindings: Bindings = {};
    for (const [binding, { option, what }] of Object.entries(BINDING_OPTIONS) as [
      Binding,
      (typeof BINDING_OPTIONS)[Binding],
    ][]) {
      const id = this.options[option];
      if (binding !== needed) {
        if (id !== undefined) throw new CliError(`--${option} is only for role ${roleOf(binding)}`);
        continue;
      }
      if (!id) throw new CliError(`role ${role} needs --${option} <id>`);
      if (!IdSchema.safeParse(id).success)
        throw new CliError(`bad ${what} id ${id}: use letters, digits and _ . : - only`);
      bindings[binding] = id;
    }
    const region = this.options.region;
    if (region !== undefined) {
      if (!SCOPABLE_ROLES.includes(role))
        throw new CliError(`--region is only for roles ${SCOPABLE_ROLES.join(', ')}`);
      if (!IdSchema.safeParse(region).success)
        throw new CliError(`bad region id ${region}: use letters, digits and _ . : - only`);
      bindings.regionId = region;
    }
    return bindings;
  }

  /**
   * Refuses a binding the city package lacks: a typo would make an account that acts for no one,
   * or for whoever gets that id later. Without a loadable package it is said, not refused, so
   * accounts can still be prepared before the package is in place.
   */
  private async refuseUnknown(username: string, bindings: Bindings): Promise<void> {
    if (!Object.keys(bindings).length) return;
    const dir = this.config.city.dir;
    if (!dir) {
      say('warning: no city package configured (CITY_DIR): the binding is not checked');
      return;
    }
    // Only now: loading a package takes about a second, and only a bound user needs it.
    const { loadCity } = await import('../city/index.js');
    let city;
    try {
      city = loadCity(dir).city;
    } catch (err) {
      say(
        `warning: city package ${dir} not loaded, the binding is not checked: ${(err as Error).message}`,
      );
      return;
    }
    const unknown = unknownBindings([{ username, ...bindings }], city);
    if (unknown.length) throw new CliError(`${unknown.join('\n')} (${dir})`);
  }

  private refuseExisting(username: string, accounts = this.read()): void {
    if (
      accounts.users.some((u) => u.username === username) ||
      this.config.users.some((u) => u.username === username)
    )
      throw new CliError(`user ${username} already exists`);
  }

  private user(accounts: AccountsFile, username: string) {
    const user = accounts.users.find((u) => u.username === username);
    if (user) return user;
    if (this.config.users.some((u) => u.username === username))
      throw new CliError(`user ${username} is in the config, not in ${this.path}; change it there`);
    throw new CliError(`no user ${username}`);
  }
}

function roleOf(binding: Binding): Role {
  return (Object.entries(ROLE_BINDINGS) as [Role, Binding][]).find(([, b]) => b === binding)![0];
}

function label(what: 'key' | 'wall'): string {
  return what === 'key' ? 'integration key' : 'wall token';
}

/** What the operator reads; stdout keeps only what a script takes (a key, a table). */
function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Columns padded to their width on a terminal (a Chinese character takes two cells). */
function table(header: string[], rows: string[][]): void {
  const width = (s: string) =>
    [...s].reduce(
      (w, c) =>
        w +
        (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(
          c,
        )
          ? 2
          : 1),
      0,
    );
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => width(r[i] ?? ''))));
  for (const row of all) {
    const cells = row.map((cell, i) =>
      i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - width(cell)),
    );
    process.stdout.write(`${cells.join('  ')}\n`);
  }
}

/** A new password, asked twice and checked. */
async function newPassword(): Promise<string> {
  const input = process.stdin.isTTY ? terminalInput() : lineInput();
  try {
    const first = await input.read('New password: ');
    if (first === undefined) throw new CliError('no password given on stdin');
    if ([...first].length < MIN_PASSWORD)
      throw new CliError(`password too short: at least ${MIN_PASSWORD} characters`);
    if ([...first].length > MAX_PASSWORD)
      throw new CliError(`password too long: at most ${MAX_PASSWORD} characters`);
    if (first === DEMO_PASSWORD) throw new CliError("that is the demo's published password");
    const second = await input.read('Repeat it: ');
    if (second === undefined) throw new CliError('no repeated password given on stdin');
    if (second !== first) throw new CliError('passwords do not match');
    return first;
  } finally {
    input.close();
  }
}

interface PasswordInput {
  read(prompt: string): Promise<string | undefined>;
  close(): void;
}

/** Lines from a pipe: a script's or a test's, no prompts. */
function lineInput(): PasswordInput {
  const lines: string[] = [];
  const waiting: ((line: string | undefined) => void)[] = [];
  let ended = false;
  const rl = createInterface({ input: process.stdin, terminal: false });
  rl.on('line', (line) => {
    const next = waiting.shift();
    if (next) next(line);
    else lines.push(line);
  });
  rl.on('close', () => {
    ended = true;
    for (const next of waiting.splice(0)) next(undefined);
  });
  return {
    read: () =>
      lines.length
        ? Promise.resolve(lines.shift())
        : ended
          ? Promise.resolve(undefined)
          : new Promise((resolve) => waiting.push(resolve)),
    close: () => rl.close(),
  };
}

/** The terminal with echo off: raw mode, the characters read one by one. */
function terminalInput(): PasswordInput {
  const stdin = process.stdin;
  return {
    read: (prompt) =>
      new Promise((resolve, reject) => {
        process.stderr.write(prompt);
        let value = '';
        const finish = (result: () => void) => {
          stdin.off('data', onData);
          stdin.setRawMode(false);
          stdin.pause();
          process.stderr.write('\n');
          result();
        };
        const onData = (chunk: string) => {
          for (const c of chunk) {
            if (c === '\r' || c === '\n') return finish(() => resolve(value));
            if (c === '\u0003') return finish(() => reject(new CliError('cancelled')));
            if (c === '\u0004') return finish(() => resolve(value || undefined));
            if (c === '\u007f' || c === '\b') value = [...value].slice(0, -1).join('');
            else if (c >= ' ') value += c;
          }
        };
        stdin.setEncoding('utf8');
        stdin.setRawMode(true);
        stdin.resume();
        stdin.on('data', onData);
      }),
    close: () => stdin.pause(),
  };
}

try {
  await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof CliError || err instanceof ConfigError) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exitCode = 1;
  } else {
    throw err;
  }
}
