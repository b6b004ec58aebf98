/**
 * The retry scheduler of the supergraph room: one timer per subgraph, a doubling delay up to a
 * ceiling. The delays default to `core/defaults.ts` (`loading.retryInitialDelay`,
 * `loading.retryMaxDelay`), the one place they are written down. A task that throws is logged,
 * never left to become an unhandled rejection (which would end the process).
 */
import { RETRY_INITIAL_DELAY, RETRY_MAX_DELAY } from '../../core/defaults.ts';
import type { Logger } from '../logger/index.ts';

export interface RetryOptions {
  /** Where a task that throws is reported. */
  logger: Logger;
  /** First delay before retrying, in milliseconds. @default loading.retryInitialDelay (1 s) */
  initialDelay?: number;
  /** Longest delay between retries, in milliseconds. @default loading.retryMaxDelay (30 s) */
  maxDelay?: number;
}

export interface RetryScheduler {
  readonly initialDelay: number;
  /** The delay after `delay`: doubled, up to the ceiling. */
  next(delay: number): number;
  /** Runs `task` after `delay` ms, unless stopped first; a throw is logged. */
  schedule(delay: number, task: () => Promise<void> | void): void;
  /** True once `stop()` was called. */
  readonly stopped: boolean;
  /** Cancels every pending retry; later `schedule` calls do nothing. */
  stop(): void;
}

export function createRetryScheduler(options: RetryOptions): RetryScheduler {
  const { logger } = options;
  const initialDelay = options.initialDelay ?? RETRY_INITIAL_DELAY;
  const maxDelay = options.maxDelay ?? RETRY_MAX_DELAY;
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  return {
    initialDelay,
    next: (delay) => Math.min(delay * 2, maxDelay),
    schedule(delay, task) {
      if (stopped) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (stopped) return;
        Promise.resolve()
          .then(task)
          .catch((error: unknown) => logger.error('a scheduled retry failed', { error }));
      }, delay);
      timer.unref();
      timers.add(timer);
    },
    get stopped() {
      return stopped;
    },
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
