/**
 * The shared store with its fail modes. When it cannot answer (Redis down, or slower than its
 * deadline), each check follows its limit's `onStoreError`: `open` counts it in this process
 * instead (a memory store, with the limit's `fallbackLimit`), `closed` refuses it. After a
 * failure the shared store is left alone for `retryAfterMs` (requests do not each wait for its
 * deadline), then tried again by one request at a time; the first answer puts it back in service.
 * Each change is logged once and published on the `gatehouse:rate-limit:store` diagnostics channel
 * (`{ kind, state: 'down' | 'up', error? }`), where metrics pick it up.
 *
 * When the store answers some checks and fails the others (`PartialCheckError`), the answered
 * ones keep their answers (they were spent) and only the failed ones follow their fail mode; the
 * store counts as out all the same (a key it cannot answer is an outage for its limit).
 */
import { channel } from 'node:diagnostics_channel';
import type { Logger } from '../logger/index.ts';
import { invalidCheck } from './store/algorithms.ts';
import {
  type LimitRule,
  PartialCheckError,
  type RateLimitCheck,
  type RateLimitDecision,
  type RateLimitStore,
  type SyncRateLimitStore,
} from './store/types.ts';

export const STORE_CHANNEL = 'gatehouse:rate-limit:store';
const storeChannel = channel(STORE_CHANNEL);

/** A check with what to do when the shared store is out. */
export interface GuardedCheck extends RateLimitCheck {
  onStoreError: 'open' | 'closed';
  /** The rule counted in this process while the store is out (`open`). */
  fallback: LimitRule;
}

export interface GuardedStore {
  /** As `RateLimitStore.check` (`together`: all or nothing), with each check's fail mode. */
  check(checks: readonly GuardedCheck[], options?: { together?: boolean }): Promise<RateLimitDecision[]>;
  /**
   * The same answers without a promise when the store answers in this process (the memory
   * store, which is never out: a throw from it is a bug, and fails the operation) and every
   * check is valid; undefined otherwise (then ask `check`).
   */
  checkNow(
    checks: readonly GuardedCheck[],
    options?: { together?: boolean },
  ): RateLimitDecision[] | undefined;
  close(): Promise<void>;
}

export interface GuardedStoreOptions {
  primary: RateLimitStore & Partial<SyncRateLimitStore>;
  /** Counts while the primary is out; undefined when the primary is the memory store (never out). */
  fallback: RateLimitStore | undefined;
  logger: Logger;
  /** How long a failed primary is left alone before the next try. @default 1000 */
  retryAfterMs?: number;
  now?: () => number;
}

/** Retry-After of a check refused because the store is out and the limit fails closed. */
const CLOSED_RETRY_MS = 1_000;

export function createGuardedStore(options: GuardedStoreOptions): GuardedStore {
  const { primary, fallback, logger } = options;
  const retryAfterMs = options.retryAfterMs ?? 1_000;
  const now = options.now ?? Date.now;
  let downUntil = 0;
  let down = false;
  let probing = false;

  const markDown = (error: unknown) => {
    downUntil = now() + retryAfterMs;
    if (down) return;
    down = true;
    logger.warn(
      `rate limits: the ${primary.kind} store is not answering; limits with onStoreError "open" are counted in this process, "closed" ones refuse`,
      { error },
    );
    storeChannel.publish({ kind: primary.kind, state: 'down', error });
  };
  const markUp = () => {
    if (!down) return;
    down = false;
    logger.info(`rate limits: the ${primary.kind} store answers again; limits are shared again`);
    storeChannel.publish({ kind: primary.kind, state: 'up' });
  };

  const degraded = async (
    checks: readonly GuardedCheck[],
    together: boolean,
  ): Promise<RateLimitDecision[]> => {
    const open = checks.filter((c) => c.onStoreError === 'open');
    // All or nothing: a closed limit refuses, so the open ones spend nothing either.
    const spend = !together || open.length === checks.length;
    const counted =
      spend && open.length > 0 && fallback !== undefined
        ? await fallback.check(
            open.map((c) => ({ key: c.key, rule: c.fallback, cost: c.cost ?? 1 })),
            { together },
          )
        : [];
    let next = 0;
    return checks.map((c) =>
      c.onStoreError === 'open'
        ? (counted[next++] ?? admitted(c.fallback))
        : {
            allowed: false,
            limit: c.rule.limit,
            remaining: 0,
            resetMs: CLOSED_RETRY_MS,
            retryAfterMs: CLOSED_RETRY_MS,
          },
    );
  };

  /** The checks the store can answer; one it would reject (a bug, not an outage) is refused here. */
  const checked = async (
    checks: readonly GuardedCheck[],
    together: boolean,
  ): Promise<RateLimitDecision[]> => {
    if (down && (now() < downUntil || probing)) return degraded(checks, together);
    // While the store is out, one request at a time tries it; the others stay degraded rather
    // than each waiting for its deadline (and queueing checks it may run late).
    const probe = down;
    if (probe) probing = true;
    try {
      const decisions = await primary.check(checks, { together });
      markUp();
      return decisions;
    } catch (error) {
      markDown(error);
      if (!(error instanceof PartialCheckError) || error.decisions.length !== checks.length)
        return degraded(checks, together);
      const failed = checks.filter((_, i) => error.decisions[i] === undefined);
      const fallen = await degraded(failed, together);
      let next = 0;
      return error.decisions.map((decision) => decision ?? fallen[next++]!);
    } finally {
      if (probe) probing = false;
    }
  };

  const allValid = (checks: readonly GuardedCheck[]) => {
    for (const c of checks) if (invalidCheck(c.rule, c.cost ?? 1) !== undefined) return false;
    return true;
  };
  const { checkNow } = primary;

  return {
    checkNow(checks, options) {
      // A store in this process is never out: no fail mode, no state change to follow. Invalid
      // checks go the way that logs and refuses them.
      if (checkNow === undefined || !allValid(checks)) return undefined;
      return checkNow.call(primary, checks, { together: options?.together === true });
    },
    async check(checks, options) {
      if (checks.length === 0) return [];
      const together = options?.together === true;
      if (allValid(checks)) return checked(checks, together);
      const problems = checks.map((c) => invalidCheck(c.rule, c.cost ?? 1));
      // Never taken for the store being out: that would switch every limit to its fail mode.
      for (const problem of problems)
        if (problem !== undefined) logger.error(`rate limits: a check was refused: ${problem}`);
      const valid = checks.filter((_, i) => problems[i] === undefined);
      // All or nothing: the refused check refuses the request, so the others spend nothing.
      const answers = together
        ? valid.map((c) => admitted(c.rule))
        : valid.length > 0
          ? await checked(valid, false)
          : [];
      let next = 0;
      return checks.map((c, i) =>
        problems[i] === undefined
          ? answers[next++]!
          : {
              allowed: false,
              limit: c.rule.limit,
              remaining: 0,
              resetMs: c.rule.windowMs,
              retryAfterMs: c.rule.windowMs,
            },
      );
    },
    async close() {
      await Promise.allSettled([primary.close(), fallback?.close()]);
    },
  };
}

function admitted(rule: LimitRule): RateLimitDecision {
  return { allowed: true, limit: rule.limit, remaining: rule.limit, resetMs: 0, retryAfterMs: 0 };
}
