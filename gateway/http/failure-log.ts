/**
 * Reports upstream failures to the operator without flooding the log: the first failure of a
 * kind (service and code) is logged at once, then at most one line per interval with how many
 * more happened. A request whose own caller went away is not a failure of the upstream.
 */
import type { Logger } from '../logger/index.ts';

export interface FailureLog {
  /** `cause` is the underlying failure (a socket error, a timeout), logged with the line. */
  report(serviceName: string, code: string, message: string, cause?: unknown): void;
}

/** @param interval milliseconds between two lines for the same service and code */
export function createFailureLog(logger: Logger, interval = 10_000): FailureLog {
  const kinds = new Map<string, { lastLogged: number; suppressed: number }>();
  return {
    report(serviceName, code, message, cause) {
      const key = `${serviceName}\u0000${code}`;
      const now = Date.now();
      const kind = kinds.get(key);
      if (kind !== undefined && now - kind.lastLogged < interval) {
        kind.suppressed++;
        return;
      }
      const more = kind && kind.suppressed > 0 ? ` (${kind.suppressed} more since the last report)` : '';
      logger.warn(`upstream failure: ${message}${more}`, { serviceName, code, cause });
      kinds.set(key, { lastLogged: now, suppressed: 0 });
    },
  };
}
