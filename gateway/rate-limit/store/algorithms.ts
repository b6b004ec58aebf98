/**
 * The four rate-limit algorithms as pure functions: (rule, state, now, cost) → decision, the new
 * state and how long that state matters. The memory store runs them as they are; the Redis store
 * runs the same arithmetic in Lua (`lua-scripts.ts`), step for step, so that both answer alike.
 *
 * Common rules:
 * - Nothing is spent on refusal: a refused check returns no state (nothing to write).
 * - A cost larger than the limit is never admitted; its `retryAfterMs` is the window (waiting
 *   cannot help, so the caller is told the longest meaningful wait rather than 0 or infinity).
 * - `remaining` is 0 on refusal (types.ts); times are whole milliseconds, rounded up.
 * - Clocks may step back (another Redis after a failover, an adjusted system clock): elapsed time
 *   is never negative, and a state from the "future" is taken as current (the stricter reading).
 */
import type { LimitRule, RateLimitAlgorithm, RateLimitDecision } from './types.ts';

/** Tolerance of the floating-point comparisons (units or milliseconds): `limit × (window / limit)` may exceed the window by one ulp. */
export const EPSILON = 1e-6;

/** Token bucket: `tokens` left at time `at`. */
export interface TokenBucketState {
  tokens: number;
  at: number;
}
/** Sliding window (weighted counter): the count of the window starting at `window`, and of the one before. */
export interface SlidingWindowState {
  window: number;
  count: number;
  previous: number;
}
/** Fixed window: the count of the window starting at `window`. */
export interface FixedWindowState {
  window: number;
  count: number;
}
/** GCRA: the theoretical arrival time of the next request. */
export interface GcraState {
  tat: number;
}

export interface AlgorithmStates {
  'token-bucket': TokenBucketState;
  'sliding-window': SlidingWindowState;
  'fixed-window': FixedWindowState;
  gcra: GcraState;
}

/** What one check decides, and what to keep. */
export interface AlgorithmOutcome<S> {
  decision: RateLimitDecision;
  /** The state to store; undefined on refusal (nothing spent, nothing to write). */
  state?: S;
  /** Milliseconds after which the stored state equals a fresh key's and may be forgotten (≥ 1). */
  ttlMs: number;
}

type Algorithm<S> = (rule: LimitRule, state: S | undefined, now: number, cost: number) => AlgorithmOutcome<S>;

const up = (ms: number) => Math.max(0, Math.ceil(ms - EPSILON));
const refused = (limit: number, resetMs: number, retryAfterMs: number): RateLimitDecision => ({
  allowed: false,
  limit,
  remaining: 0,
  resetMs: up(resetMs),
  retryAfterMs: Math.max(1, up(retryAfterMs)),
});

/** Capacity `limit`, refilled continuously at `limit` per `windowMs`; a fresh key is full. */
export const tokenBucket: Algorithm<TokenBucketState> = ({ limit, windowMs }, state, now, cost) => {
  const msPerToken = windowMs / limit;
  const tokens = state ? Math.min(limit, state.tokens + Math.max(0, now - state.at) / msPerToken) : limit;
  const untilFull = (left: number) => (limit - left) * msPerToken;
  if (cost > limit) return { decision: refused(limit, untilFull(tokens), windowMs), ttlMs: 1 };
  if (cost > tokens + EPSILON) {
    return { decision: refused(limit, untilFull(tokens), (cost - tokens) * msPerToken), ttlMs: 1 };
  }
  const left = Math.max(0, tokens - cost);
  const resetMs = up(untilFull(left));
  return {
    decision: { allowed: true, limit, remaining: Math.floor(left + EPSILON), resetMs, retryAfterMs: 0 },
    state: { tokens: left, at: now },
    ttlMs: Math.max(1, resetMs),
  };
};

/**
 * Weighted counter: estimate = previous × (1 − elapsed / window) + current, over fixed windows
 * aligned to multiples of `windowMs` since the epoch; admitted when estimate + cost ≤ limit.
 */
export const slidingWindow: Algorithm<SlidingWindowState> = ({ limit, windowMs }, state, now, cost) => {
  let start = Math.floor(now / windowMs) * windowMs;
  let current = 0;
  let previous = 0;
  if (state && state.window >= start) {
    start = state.window;
    current = state.count;
    previous = state.previous;
  } else if (state && state.window === start - windowMs) {
    previous = state.count;
  }
  const elapsed = Math.max(0, now - start);
  const estimate = previous * (1 - elapsed / windowMs) + current;
  // The estimate reaches 0 when the newest counted window has slid out entirely.
  const resetMs = current > 0 ? start + 2 * windowMs - now : previous > 0 ? start + windowMs - now : 0;
  if (cost > limit) return { decision: refused(limit, resetMs, windowMs), ttlMs: 1 };
  if (estimate + cost > limit + EPSILON) {
    // Earliest time at which estimate + cost ≤ limit: later in this window while the previous
    // window's share decays, or else in the next one, where this window's count decays.
    const retryAt =
      current + cost <= limit
        ? start + windowMs * (1 - (limit - current - cost) / previous)
        : start + windowMs + windowMs * (1 - (limit - cost) / current);
    return { decision: refused(limit, resetMs, retryAt - now), ttlMs: 1 };
  }
  const count = current + cost;
  const ttlMs = Math.max(1, up(start + 2 * windowMs - now));
  return {
    decision: {
      allowed: true,
      limit,
      remaining: Math.max(0, Math.floor(limit - estimate - cost + EPSILON)),
      resetMs: ttlMs,
      retryAfterMs: 0,
    },
    state: { window: start, count, previous },
    ttlMs,
  };
};

/** Counts per window; windows are aligned to multiples of `windowMs` since the epoch. */
export const fixedWindow: Algorithm<FixedWindowState> = ({ limit, windowMs }, state, now, cost) => {
  let start = Math.floor(now / windowMs) * windowMs;
  let count = 0;
  if (state && state.window >= start) {
    start = state.window;
    count = state.count;
  }
  const resetMs = Math.max(1, up(start + windowMs - now));
  if (cost > limit) return { decision: refused(limit, count > 0 ? resetMs : 0, windowMs), ttlMs: 1 };
  if (count + cost > limit) return { decision: refused(limit, resetMs, resetMs), ttlMs: 1 };
  return {
    decision: { allowed: true, limit, remaining: limit - count - cost, resetMs, retryAfterMs: 0 },
    state: { window: start, count: count + cost },
    ttlMs: resetMs,
  };
};

/**
 * Generic cell rate algorithm: emission interval T = windowMs / limit, burst = limit (a fresh key
 * admits `limit` at once); a request of cost n is admitted when tat + n·T − now ≤ windowMs.
 */
export const gcra: Algorithm<GcraState> = ({ limit, windowMs }, state, now, cost) => {
  const interval = windowMs / limit;
  const tat = state ? Math.max(state.tat, now) : now;
  const next = tat + cost * interval;
  if (cost > limit) return { decision: refused(limit, tat - now, windowMs), ttlMs: 1 };
  if (next - now > windowMs + EPSILON) {
    return { decision: refused(limit, tat - now, next - windowMs - now), ttlMs: 1 };
  }
  const resetMs = Math.max(1, up(next - now));
  return {
    decision: {
      allowed: true,
      limit,
      remaining: Math.max(0, Math.floor((windowMs - (next - now)) / interval + EPSILON)),
      resetMs,
      retryAfterMs: 0,
    },
    state: { tat: next },
    ttlMs: resetMs,
  };
};

const ALGORITHMS: { [A in RateLimitAlgorithm]: Algorithm<AlgorithmStates[A]> } = {
  'token-bucket': tokenBucket,
  'sliding-window': slidingWindow,
  'fixed-window': fixedWindow,
  gcra,
};

/** Runs `rule`'s algorithm. `state` must be one this algorithm returned (stores key states by algorithm). */
export function runAlgorithm<A extends RateLimitAlgorithm>(
  rule: LimitRule & { algorithm: A },
  state: AlgorithmStates[A] | undefined,
  now: number,
  cost: number,
): AlgorithmOutcome<AlgorithmStates[A]> {
  return (ALGORITHMS[rule.algorithm] as Algorithm<AlgorithmStates[A]>)(rule, state, now, cost);
}

/**
 * Checks a rule and a cost before they reach an algorithm (a store rejects with this message):
 * a positive whole limit and window, a whole cost of 0 or more (0 asks without spending).
 */
export function invalidCheck(rule: LimitRule, cost: number): string | undefined {
  if (!Object.hasOwn(ALGORITHMS, rule.algorithm))
    return `unknown rate-limit algorithm ${JSON.stringify(rule.algorithm)}`;
  if (!Number.isSafeInteger(rule.limit) || rule.limit <= 0)
    return `limit must be a positive integer, not ${rule.limit}`;
  if (!Number.isSafeInteger(rule.windowMs) || rule.windowMs <= 0)
    return `windowMs must be a positive integer, not ${rule.windowMs}`;
  // Whole units: the Redis scripts answer in integers, so a fraction would be counted differently there.
  if (!Number.isSafeInteger(cost) || cost < 0) return `cost must be a whole number ≥ 0, not ${cost}`;
  return undefined;
}

/** An admitted decision whose spend was held back (another check of the request refused). */
export function unspent(decision: RateLimitDecision, cost: number): RateLimitDecision {
  if (!decision.allowed) return decision;
  return { ...decision, remaining: Math.min(decision.limit, decision.remaining + cost) };
}
