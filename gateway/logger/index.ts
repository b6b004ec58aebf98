/**
 * The logger every room writes to. Two formats: `pretty` (the default: one line of text per entry,
 * time, level, message and details as JSON) and `json` (one JSON object per line, written by
 * pino: `time`, `level`, `msg`, `pid`, `hostname` and the details). Both write to stderr and
 * both redact (redact.ts): no credential, cookie, token or secret is ever written.
 *
 * The level: `level` when given (tests); else `GATEHOUSE_LOG_LEVEL` when it names a level (so an
 * operator can turn debug on without editing the config); else `defaultLevel` (the config's
 * `logging.level`); else `info`. The format: `GATEHOUSE_LOG_FORMAT` (`json`, `pretty`) over
 * `format`.
 */
import { createJsonLogger } from './json.ts';
import { createRedactor, type Redactor } from './redact.ts';
import type { Logger, LogLevel } from './types.ts';

export type { Logger, LogLevel } from './types.ts';

const ORDER: Record<LogLevel | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface LoggerOptions {
  /** The level, over the environment. @default GATEHOUSE_LOG_LEVEL, else `defaultLevel` */
  level?: LogLevel | 'silent';
  /** The level when neither `level` nor GATEHOUSE_LOG_LEVEL says (`logging.level`). @default 'info' */
  defaultLevel?: LogLevel | 'silent';
  /** @default GATEHOUSE_LOG_FORMAT, else 'pretty' */
  format?: 'pretty' | 'json';
  /** More keys to redact (`logging.redact`, the auth headers): names or dotted paths. @default [] */
  redact?: readonly string[];
  /** @default (line) => process.stderr.write(line) */
  write?: (line: string) => void;
  /** Where GATEHOUSE_LOG_LEVEL and GATEHOUSE_LOG_FORMAT are read. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** The format `options` resolve to (GATEHOUSE_LOG_FORMAT over `format`). */
export function logFormat(options: Pick<LoggerOptions, 'format' | 'env'>): 'pretty' | 'json' {
  const fromEnv = (options.env ?? process.env).GATEHOUSE_LOG_FORMAT;
  return fromEnv === 'json' || fromEnv === 'pretty' ? fromEnv : (options.format ?? 'pretty');
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const env = options.env ?? process.env;
  const envLevel = env.GATEHOUSE_LOG_LEVEL;
  const envValid = envLevel !== undefined && Object.hasOwn(ORDER, envLevel);
  const level =
    options.level ?? (envValid ? (envLevel as LogLevel | 'silent') : (options.defaultLevel ?? 'info'));
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const redactor = createRedactor(options.redact);
  const logger =
    logFormat(options) === 'json'
      ? createJsonLogger(level, redactor, write, options.write === undefined)
      : createPrettyLogger(level, redactor, write);
  // A typo must not silently turn logging to its default: say what was ignored.
  if (options.level === undefined && envLevel !== undefined && envLevel !== '' && !envValid) {
    logger.warn(
      `GATEHOUSE_LOG_LEVEL=${JSON.stringify(envLevel)} is not a level; using ${options.defaultLevel ?? 'info'}. Use one of: ${Object.keys(ORDER).join(', ')}`,
    );
  }
  const envFormat = env.GATEHOUSE_LOG_FORMAT;
  if (envFormat !== undefined && envFormat !== '' && envFormat !== 'json' && envFormat !== 'pretty') {
    logger.warn(
      `GATEHOUSE_LOG_FORMAT=${JSON.stringify(envFormat)} is not a format; using ${logFormat(options)}. Use json or pretty`,
    );
  }
  return logger;
}

/** The text format: `<time> <LEVEL> <message> <details as JSON>`. */
function createPrettyLogger(
  level: LogLevel | 'silent',
  redactor: Redactor,
  write: (line: string) => void,
): Logger {
  const min = ORDER[level];
  const log = (name: LogLevel) => (message: string, details?: Record<string, unknown>) => {
    if (ORDER[name] < min) return;
    const extra =
      details && Object.keys(details).length > 0 ? ` ${serialise(redactor.details(details))}` : '';
    write(`${new Date().toISOString()} ${name.toUpperCase().padEnd(5)} ${redactor.text(message)}${extra}\n`);
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    isLevelEnabled: (name) => ORDER[name] >= min,
  };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = createLogger({ level: 'silent', format: 'pretty' });

/** Details as JSON; a value JSON cannot hold (a cycle, a BigInt) never makes logging throw. */
function serialise(details: Record<string, unknown>): string {
  try {
    return JSON.stringify(details);
  } catch {
    return JSON.stringify(Object.fromEntries(Object.entries(details).map(([k, v]) => [k, String(v)])));
  }
}
