/**
 * The logger every room writes to. The default writes one line per entry to stderr, filtered by
 * level (`GATEHOUSE_LOG_LEVEL`: debug, info, warn, error, silent; default info).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

const ORDER: Record<LogLevel | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface LoggerOptions {
  /** @default process.env.GATEHOUSE_LOG_LEVEL ?? 'info' */
  level?: LogLevel | 'silent';
  /** @default (line) => process.stderr.write(line) */
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const envLevel = process.env.GATEHOUSE_LOG_LEVEL;
  const envValid = envLevel !== undefined && Object.hasOwn(ORDER, envLevel);
  const min = ORDER[options.level ?? (envValid ? (envLevel as LogLevel | 'silent') : 'info')];
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const log = (level: LogLevel) => (message: string, details?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    const extra = details && Object.keys(details).length > 0 ? ` ${serialise(details)}` : '';
    write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${message}${extra}\n`);
  };
  const logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  // A typo must not silently turn logging to its default: say what was ignored.
  if (options.level === undefined && envLevel !== undefined && envLevel !== '' && !envValid) {
    logger.warn(
      `GATEHOUSE_LOG_LEVEL=${JSON.stringify(envLevel)} is not a level; using info. Use one of: ${Object.keys(ORDER).join(', ')}`,
    );
  }
  return logger;
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = createLogger({ level: 'silent' });

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const system = typeof (value as { syscall?: unknown }).syscall === 'string';
    return {
      name: value.name,
      message: value.message,
      code: (value as { code?: unknown }).code,
      // A system error (ECONNREFUSED, ENOTFOUND...) is told by its code and message; its stack
      // is Node's socket internals and would bury the line.
      stack: system ? undefined : value.stack,
      // The underlying failure (a socket error under an upstream error): what an operator needs.
      cause: value.cause,
    };
  }
  return value;
}

/** Details as JSON; a value JSON cannot hold (a cycle, a BigInt) never makes logging throw. */
function serialise(details: Record<string, unknown>): string {
  try {
    return JSON.stringify(details, errorReplacer);
  } catch {
    return JSON.stringify(Object.fromEntries(Object.entries(details).map(([k, v]) => [k, String(v)])));
  }
}
