/**
 * The process's structured logger (pino). Always writes to stderr, because stdout carries the
 * results of `--json` commands: JSON lines when stderr is not a terminal (services, CI, log
 * shippers), a readable colourised form (pino-pretty) when it is. Secrets never reach the output:
 * see {@link redactDeep} and {@link scrubText}.
 */
import { Writable } from 'node:stream';
import { type Logger as PinoLogger, pino } from 'pino';
import pinoPretty from 'pino-pretty';
import { UsageError } from '../errors/index.js';
import { redactDeep, scrubText } from './redact.js';

/** The logger every module receives (injected, never imported as a global). */
export type Logger = PinoLogger;

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where finished log lines go: anything with a `write(line)` method. */
export interface LogDestination {
  write(line: string): unknown;
}

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Minimum level written. Default: {@link resolveLogLevel} (`--log-level`, BUCKETBRIDGE_LOG_LEVEL, `info`). */
  level?: LogLevel | undefined;
  /** Readable output instead of JSON lines. Default: whether stderr is a terminal. */
  pretty?: boolean | undefined;
  /** Colours in readable output. Default: on for stderr unless NO_COLOR is set; off for a given destination. */
  colorize?: boolean | undefined;
  /** Where lines go. Default: stderr, written synchronously so nothing is lost at exit. */
  destination?: LogDestination | undefined;
  /** Fields on every line, e.g. `{ connection: 'acme' }`. */
  base?: Record<string, unknown> | undefined;
}

/**
 * The level to log at: the `--log-level` flag, else BUCKETBRIDGE_LOG_LEVEL, else `info`.
 * An unknown name is a usage error (exit 2) naming where it came from.
 */
export function resolveLogLevel(flag?: string, env: NodeJS.ProcessEnv = process.env): LogLevel {
  const [value, source] =
    flag !== undefined ? [flag, '--log-level'] : [env.BUCKETBRIDGE_LOG_LEVEL, 'BUCKETBRIDGE_LOG_LEVEL'];
  if (value === undefined || value === '') return 'info';
  const level = value.trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
  throw new UsageError(`${source}: expected one of ${LOG_LEVELS.join(', ')}, found "${value}"`);
}

/** Builds the logger. Cheap enough to call once per command run. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? resolveLogLevel();
  const pretty = options.pretty ?? process.stderr.isTTY === true;
  const sink = options.destination;
  const destination: LogDestination = pretty
    ? pinoPretty({
        destination: sink === undefined ? 2 : asWritable(sink),
        sync: true,
        colorize: options.colorize ?? (sink === undefined && !process.env.NO_COLOR),
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname',
      })
    : (sink ?? pino.destination({ fd: 2, sync: true }));
  const logger = pino(
    {
      level,
      base: options.base ?? null,
      timestamp: pino.stdTimeFunctions.isoTime,
      // Errors were already turned into plain, redacted objects by formatters.log below; pino's
      // own error serialiser would rename their type to "Object" and flatten the cause chain.
      serializers: { err: (value: unknown) => value },
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redactDeep(object) as Record<string, unknown>,
        bindings: (bindings) => redactDeep(bindings) as Record<string, unknown>,
      },
    },
    // The last line of defence: registered secret values are removed from the finished line,
    // whatever field or message text they ended up in.
    { write: (line: string) => destination.write(scrubText(line)) },
  );
  return redactChildBindings(logger);
}

/**
 * pino serialises a child's bindings once, without `formatters.bindings`; redact them first.
 * Children are created from their parent's prototype chain, so this covers every descendant.
 */
function redactChildBindings(logger: Logger): Logger {
  const child = logger.child;
  const setBindings = logger.setBindings;
  Object.assign(logger, {
    child(this: Logger, bindings: Record<string, unknown>, childOptions?: Parameters<Logger['child']>[1]) {
      return child.call(this, redactDeep(bindings) as Record<string, unknown>, childOptions);
    },
    setBindings(this: Logger, bindings: Record<string, unknown>) {
      setBindings.call(this, redactDeep(bindings) as Record<string, unknown>);
    },
  });
  return logger;
}

function asWritable(sink: LogDestination): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      sink.write(chunk.toString());
      callback();
    },
  });
}
