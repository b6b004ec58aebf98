/**
 * The JSON format: pino, one object per line (`level` as its name, `time` in ISO 8601, `msg`,
 * `pid`, `hostname`, then the details, redacted first). Written synchronously to stderr, so that
 * the last lines before an exit are not lost.
 */
import { type DestinationStream, pino } from 'pino';
import type { Redactor } from './redact.ts';
import type { Logger, LogLevel } from './types.ts';

export function createJsonLogger(
  level: LogLevel | 'silent',
  redactor: Redactor,
  write: (line: string) => void,
  toStderr: boolean,
): Logger {
  const destination: DestinationStream = toStderr ? pino.destination({ dest: 2, sync: true }) : { write };
  const logger = pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  const log = (name: LogLevel) => (message: string, details?: Record<string, unknown>) => {
    if (!logger.isLevelEnabled(name)) return;
    if (details === undefined) logger[name](redactor.text(message));
    else logger[name](redactor.details(details), redactor.text(message));
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    isLevelEnabled: (name) => logger.isLevelEnabled(name),
  };
}
