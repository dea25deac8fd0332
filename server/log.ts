import {
  destination as fdDestination,
  pino,
  stdTimeFunctions,
  type DestinationStream,
  type LevelWithSilent,
  type Logger,
} from 'pino';
import { isColorSupported, prettyFactory } from 'pino-pretty';

/**
 * The server's log: pino, one JSON object a line in production (for a collector), readable
 * lines in the demo (for the person running it). Each module logs through its own child,
 * `moduleLog('http')`, whose lines carry `module`.
 *
 * What must never reach a line: session and wall tokens, stream tokens, integration keys,
 * passwords, camera credentials. Callers log chosen fields, never a request's headers, body or
 * raw URL; the redaction below is the second line of defence for what slips through as an
 * object (an error's attached request, a config fragment).
 */

/** Keys whose values are censored wherever a logged object holds them, at the top or one down. */
const SECRET_KEYS = [
  'authorization',
  'cookie',
  'password',
  'passwordHash',
  'token',
  'tokenSecret',
  'secret',
  'key',
  'ingestKeys',
  'deviceTokens',
  'metricsToken',
];
const REDACT_PATHS = [
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`]),
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers["set-cookie"]',
  // Body parsers and HTTP clients hang the body or the headers they saw on their errors.
  'err.body',
  'err.headers',
  'err.config',
];

export interface LogOptions {
  level: LevelWithSilent;
  /** Readable lines (the demo) instead of JSON lines. */
  readable: boolean;
  /** Where lines go; stdout (synchronously) when not given. */
  destination?: DestinationStream;
  /** Colours in readable lines; by default only on a terminal that shows them. */
  colorize?: boolean;
}

/**
 * Hands pino's JSON lines on as they are, or prettified. pino-pretty runs here in the process
 * as a plain function, not as a worker transport: a line is written before the call that logged
 * it returns, so nothing is lost to an exit and a test reading the process's output sees it all.
 */
class LineSink implements DestinationStream {
  private pretty: ((line: string) => string) | undefined;

  constructor(
    private readonly out: DestinationStream,
    readable: boolean,
    private readonly colorize: boolean,
  ) {
    this.readable = readable;
  }

  set readable(readable: boolean) {
    this.pretty = readable
      ? prettyFactory({
          colorize: this.colorize,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,module',
          messageFormat: '{if module}[{module}] {end}{msg}',
          singleLine: true,
        })
      : undefined;
  }

  write(line: string): void {
    this.out.write(this.pretty ? this.pretty(line) : line);
    for (const listener of this.listeners) listener(JSON.parse(line) as LogLine);
  }

  readonly listeners = new Set<(line: LogLine) => void>();
}

/** One log line as written, before any formatting. */
export interface LogLine {
  level: string;
  module?: string;
  msg: string;
  [key: string]: unknown;
}

function loggerOn(sink: DestinationStream, level: LevelWithSilent): Logger {
  return pino(
    {
      level,
      // Level names and ISO times read better in a collector than numbers and epoch ms.
      formatters: { level: (label) => ({ level: label }) },
      timestamp: stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    sink,
  );
}

/** A logger of its own: the unit tests' way to read the lines of either format. */
export function createLogger(options: LogOptions): Logger {
  const out = options.destination ?? fdDestination({ dest: 1, sync: true });
  const colorize = options.colorize ?? (!options.destination && colorTerminal());
  return loggerOn(new LineSink(out, options.readable, colorize), options.level);
}

/** Colours only on a terminal: colorette also says yes under CI, where the lines go to a file. */
const colorTerminal = () => isColorSupported && process.stdout.isTTY === true;

const LEVELS = new Set<string>(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/**
 * Before `configureLogging` (a server started in-process by a test or a benchmark): LOG_LEVEL
 * if set; under vitest only warnings and errors, since a line per request among the test
 * report hides it; readable on a terminal, where a person reads, JSON otherwise.
 */
const initialLevel = (): LevelWithSilent => {
  const env = process.env.LOG_LEVEL;
  if (env && LEVELS.has(env)) return env as LevelWithSilent;
  return process.env.VITEST ? 'warn' : 'info';
};
const rootSink = new LineSink(
  fdDestination({ dest: 1, sync: true }),
  process.stdout.isTTY === true,
  colorTerminal(),
);
const root = loggerOn(rootSink, initialLevel());
const modules: Logger[] = [];

/** The logger of one module (`http`, `realtime`, `main` …): its lines carry `module`. */
export function moduleLog(module: string): Logger {
  const child = root.child({ module });
  modules.push(child);
  return child;
}

/**
 * Sets the level and the format from the config (LOG_LEVEL; readable in demo mode), for the
 * module loggers made so far and those to come. `main.ts` calls it once, before the server
 * starts.
 */
export function configureLogging({
  logLevel,
  demo,
}: {
  logLevel: LevelWithSilent;
  demo: boolean;
}): void {
  root.level = logLevel;
  for (const child of modules) child.level = logLevel;
  rootSink.readable = demo;
}

/**
 * Calls `listener` with every line the process's module loggers write (at the level in force):
 * for tests that check what the server said. Returns the unsubscribe.
 */
export function watchLogs(listener: (line: LogLine) => void): () => void {
  rootSink.listeners.add(listener);
  return () => rootSink.listeners.delete(listener);
}
