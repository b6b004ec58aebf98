/**
 * The gateway's concurrency limit, adaptive by AIMD (additive increase, multiplicative decrease)
 * driven by latency, as TCP's congestion window and Netflix's `AIMDLimit` are: each request that
 * answers within the latency target while the limit is in use (at least half of it in flight)
 * adds one; one that answers slower multiplies it by `backoff`, at most once
 * per `latencyTarget` (the requests admitted under the old limit all come back slow together, and
 * must not shrink it once each). The limit stays within `[min, max]`; with `min == max` it is
 * fixed and samples change nothing.
 */

/** The resolved options of the limiter. */
export interface LimiterOptions {
  /** The limit at startup. */
  initial: number;
  /** The smallest the limit gets. */
  min: number;
  /** The largest the limit gets. */
  max: number;
  /** Latency (ms) over which a request shrinks the limit. */
  latencyTarget: number;
  /** The factor a shrinking limit is multiplied by, in (0, 1). */
  backoff: number;
  /** Called when the whole limit changes (for the debug log). @default undefined */
  onChange?: (limit: number, previous: number, reason: 'increase' | 'decrease') => void;
  /** The clock, in ms. @default performance.now */
  now?: () => number;
}

/** What one finished request says of the load. */
export interface LimiterSample {
  /** From admission to the end of its answer, in ms. */
  latencyMs: number;
  /** Requests in flight when it finished, itself included. */
  inFlight: number;
}

/** The concurrency limit: read `limit`, report each finished request with `sample`. */
export interface Limiter {
  /** The current limit: a whole number within `[min, max]`. */
  readonly limit: number;
  sample(sample: LimiterSample): void;
}

/** An AIMD limiter (see the file's comment); a fixed one when `min == max`. */
export function createAimdLimiter(options: LimiterOptions): Limiter {
  const { min, max, latencyTarget, backoff, onChange } = options;
  const now = options.now ?? (() => performance.now());
  let limit = Math.min(max, Math.max(min, Math.floor(options.initial)));
  let lastDecrease = Number.NEGATIVE_INFINITY;
  const set = (next: number, reason: 'increase' | 'decrease') => {
    if (next === limit) return;
    const previous = limit;
    limit = next;
    onChange?.(limit, previous, reason);
  };
  return {
    get limit() {
      return limit;
    },
    sample({ latencyMs, inFlight }) {
      if (min === max) return;
      if (latencyMs > latencyTarget) {
        const at = now();
        if (at - lastDecrease < latencyTarget) return;
        lastDecrease = at;
        // Floor, so a small limit shrinks too (4 * 0.9 is 3, not 4).
        set(Math.max(min, Math.floor(limit * backoff)), 'decrease');
        return;
      }
      // An idle gateway's requests are fast whatever the limit: they say nothing of a larger one.
      if (inFlight * 2 >= limit) set(Math.min(max, limit + 1), 'increase');
    },
  };
}
