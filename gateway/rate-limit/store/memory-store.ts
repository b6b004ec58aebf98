/**
 * The embedded rate-limit store (the default): one Map of algorithm states in this process.
 * `check` runs synchronously inside (and `checkNow` answers without a promise), so checks never
 * interleave and the limit is exact in one process by construction (replicas each count on their
 * own: use the Redis store to share).
 *
 * Bounded: at most `maxKeys` keys. An expired state is ignored when read and replaced when
 * written; when the store is full, expired keys are swept (at most once a second: a sweep walks
 * every key), and if it is still full, the keys written longest ago go first. A full store never
 * grows and never throws. A key holds one algorithm's state: the callers' keys carry the
 * algorithm (a limit whose algorithm changes starts afresh).
 *
 * Per check, the hot path allocates only what the algorithm returns (its decision and new state):
 * a key's entry is updated in place and moved to the end of the write order by its links.
 */
import { type Linked, UseOrder } from '../../../core/use-order.ts';
import { type AlgorithmStates, invalidCheck, runAlgorithm, unspent } from './algorithms.ts';
import type {
  RateLimitAlgorithm,
  RateLimitCheck,
  RateLimitDecision,
  RateLimitStore,
  SyncRateLimitStore,
} from './types.ts';

export interface MemoryStoreOptions {
  /**
   * Most keys kept (about 200 bytes each). Past it the keys written longest ago are forgotten,
   * which lets those callers start afresh: size it above the number of active identities times
   * the limits each one meets.
   * @default 100_000
   */
  maxKeys?: number;
  /** The clock, in milliseconds (tests pass a fake one). @default Date.now */
  now?: () => number;
}

type State = AlgorithmStates[keyof AlgorithmStates];

/** A key's state, linked in write order (the oldest write first) for eviction. */
interface Entry extends Linked<Entry> {
  key: string;
  /** The algorithm `state` is of: a check by another one starts afresh (keys carry theirs). */
  algorithm: RateLimitAlgorithm;
  state: State;
  expiresAt: number;
}

export const DEFAULT_MAX_KEYS = 100_000;
const SWEEP_INTERVAL = 1_000; // 1 s: a full sweep costs O(keys)

/** Creates a memory store. */
export function createMemoryStore(
  options: MemoryStoreOptions = {},
): RateLimitStore & SyncRateLimitStore & { readonly size: number } {
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  if (!Number.isSafeInteger(maxKeys) || maxKeys < 1)
    throw new TypeError(`maxKeys must be a positive integer, not ${maxKeys}`);
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  // Write order, kept by hand: moving a written key to the end is two links, not a Map delete
  // and insert (and no Map iterator is held between calls, which would pin old tables).
  const order = new UseOrder<Entry>();
  let lastSweep = Number.NEGATIVE_INFINITY;

  const forget = (entry: Entry) => {
    order.unlink(entry);
    entries.delete(entry.key);
  };

  function makeRoom(time: number): void {
    if (entries.size < maxKeys) return;
    if (time - lastSweep >= SWEEP_INTERVAL) {
      lastSweep = time;
      for (let entry = order.oldest; entry !== undefined; ) {
        const next = entry.newer;
        if (entry.expiresAt <= time) forget(entry);
        entry = next;
      }
    }
    while (entries.size >= maxKeys && order.oldest !== undefined) forget(order.oldest);
  }

  /** Stores `state` under `key`, as its newest write. */
  function write(key: string, algorithm: RateLimitAlgorithm, state: State, expiresAt: number, time: number) {
    const entry = entries.get(key);
    if (entry !== undefined) {
      entry.algorithm = algorithm;
      entry.state = state;
      entry.expiresAt = expiresAt;
      order.touch(entry);
      return;
    }
    makeRoom(time);
    const fresh: Entry = { key, algorithm, state, expiresAt, older: undefined, newer: undefined };
    entries.set(key, fresh);
    order.append(fresh);
  }

  /** One check against the stored state, at `time`; `spend` writes an admitted one. */
  function evaluate(check: RateLimitCheck, time: number, spend: boolean) {
    const { algorithm } = check.rule;
    const entry = entries.get(check.key);
    const state =
      entry !== undefined && entry.algorithm === algorithm && entry.expiresAt > time
        ? entry.state
        : undefined;
    const outcome = runAlgorithm(check.rule, state as never, time, check.cost ?? 1);
    if (spend && outcome.state !== undefined)
      write(check.key, algorithm, outcome.state, time + outcome.ttlMs, time);
    return outcome;
  }

  function checkNow(
    checks: readonly RateLimitCheck[],
    options?: { together?: boolean },
  ): RateLimitDecision[] {
    // Every check is valid before any is counted.
    for (const { key, rule, cost } of checks) {
      const problem = invalidCheck(rule, cost ?? 1);
      if (problem) throw new TypeError(`rate-limit check of ${JSON.stringify(key)}: ${problem}`);
    }
    const time = now();
    const decisions: RateLimitDecision[] = new Array(checks.length);
    if (!options?.together) {
      for (let i = 0; i < checks.length; i++) decisions[i] = evaluate(checks[i]!, time, true).decision;
      return decisions;
    }
    const outcomes = checks.map((check) => evaluate(check, time, false));
    const all = outcomes.every((o) => o.decision.allowed);
    for (let i = 0; i < checks.length; i++) {
      const outcome = outcomes[i]!;
      const check = checks[i]!;
      if (all && outcome.state !== undefined)
        write(check.key, check.rule.algorithm, outcome.state, time + outcome.ttlMs, time);
      decisions[i] = all ? outcome.decision : unspent(outcome.decision, check.cost ?? 1);
    }
    return decisions;
  }

  return {
    kind: 'memory',
    get size() {
      return entries.size;
    },
    checkNow,
    check(checks, options) {
      try {
        return Promise.resolve(checkNow(checks, options));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    async close() {
      entries.clear();
      order.clear();
    },
  };
}
