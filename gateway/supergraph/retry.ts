/**
 * The retry scheduler of the supergraph room: one timer per subgraph, a doubling delay up to a
 * ceiling. The delays default to the config schema's (`loading.retryInitialDelay`,
 * `loading.retryMaxDelay`), the one place they are written down.
 */
import { pollSchema } from '../config/schema.ts';

export interface RetryOptions {
  /** First delay before retrying, in milliseconds. @default loading.retryInitialDelay (1 s) */
  initialDelay?: number;
  /** Longest delay between retries, in milliseconds. @default loading.retryMaxDelay (30 s) */
  maxDelay?: number;
}

export interface RetryScheduler {
  readonly initialDelay: number;
  /** The delay after `delay`: doubled, up to the ceiling. */
  next(delay: number): number;
  /** Runs `task` after `delay` ms, unless stopped first. */
  schedule(delay: number, task: () => Promise<void> | void): void;
  /** True once `stop()` was called. */
  readonly stopped: boolean;
  /** Cancels every pending retry; later `schedule` calls do nothing. */
  stop(): void;
}

const LOADING_DEFAULTS = pollSchema.parse({});

export function createRetryScheduler(options: RetryOptions = {}): RetryScheduler {
  const initialDelay = options.initialDelay ?? LOADING_DEFAULTS.retryInitialDelay;
  const maxDelay = options.maxDelay ?? LOADING_DEFAULTS.retryMaxDelay;
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  return {
    initialDelay,
    next: (delay) => Math.min(delay * 2, maxDelay),
    schedule(delay, task) {
      if (stopped) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopped) void task();
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
