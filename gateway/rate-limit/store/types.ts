/**
 * The port every rate-limit store meets (the memory store, the default; the Redis store, shared by
 * several replicas). A store knows the algorithms; the rooms only say which key, which limit and
 * what it costs. Every check-and-update of one key is atomic (in Redis: one Lua script), so two
 * gateways sharing a store admit exactly the limit.
 */

/** How a limit counts. */
export type RateLimitAlgorithm = 'token-bucket' | 'sliding-window' | 'fixed-window' | 'gcra';

/** One limit, resolved: `limit` units of cost per `windowMs`. */
export interface LimitRule {
  algorithm: RateLimitAlgorithm;
  /** Units admitted per window (token bucket: the capacity, refilled at `limit` per window). */
  limit: number;
  /** Length of the window in milliseconds. */
  windowMs: number;
}

/** One check: spend `cost` units of `rule` under `key`, if the limit allows it. */
export interface RateLimitCheck {
  /** The counter's key (the store adds its prefix): limit name and identity, e.g. `per-client:ip:10.0.0.1`. */
  key: string;
  rule: LimitRule;
  /** Units this request spends; more than 1 for costly operations. @default 1 */
  cost?: number;
}

/** The answer to one check. Nothing was spent when `allowed` is false. */
export interface RateLimitDecision {
  allowed: boolean;
  /** The rule's limit, for the `RateLimit-Policy` header. */
  limit: number;
  /** Units left after this check (0 when refused). */
  remaining: number;
  /** Milliseconds until the limit is whole again (the `RateLimit` header's `t`). */
  resetMs: number;
  /** Milliseconds until a request of this cost could be admitted; 0 when allowed. */
  retryAfterMs: number;
}

export interface RateLimitStore {
  /** `memory` or `redis`, for logs and metrics. */
  readonly kind: 'memory' | 'redis';
  /**
   * Checks and updates the keys, in one round trip for the Redis store; answers in the checks'
   * order. Each key on its own by default (one refused check does not undo another); with
   * `together`, all or nothing: when one check refuses, none is spent (the others answer
   * `allowed` with what is left, unspent). A Redis Cluster spreads keys over nodes: there each
   * key is checked on its own even `together`. Rejects when the store cannot answer (Redis down
   * or past its deadline): the caller applies the limit's fail mode. When it could answer some
   * checks and not others (checked each on their own), it rejects with a `PartialCheckError`
   * holding the answers it has: those checks were spent, and only the others need a fail mode.
   */
  check(checks: readonly RateLimitCheck[], options?: { together?: boolean }): Promise<RateLimitDecision[]>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}

/**
 * A store that answers in this process (the memory store): `checkNow` is `check` without a
 * promise, for the rooms' fast path. It throws (a TypeError) where `check` rejects.
 */
export interface SyncRateLimitStore {
  checkNow(checks: readonly RateLimitCheck[], options?: { together?: boolean }): RateLimitDecision[];
}

/** `check` answered some checks and not the others: `decisions` has an answer, or undefined, per check. */
export class PartialCheckError extends Error {
  constructor(
    message: string,
    readonly decisions: readonly (RateLimitDecision | undefined)[],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PartialCheckError';
  }
}
