/**
 * The embedded rate-limit store (the default): one Map of algorithm states in this process.
 * `check` runs synchronously inside (and `checkNow` answers without a promise), so checks never
 * interleave and the limit is exact in one process by construction (replicas each count on their
 * own: use the Redis store to share).
 *
 * Bounded: at most `maxKeys` states (one per key and algorithm). An expired state is ignored when
 * read and replaced when written; when the store is full, expired states are swept (at most once
 * a second: a sweep walks every key), and if it is still full, the keys written longest ago go
 * first. A full store never grows and never throws.
 *
 * Per check, the hot path allocates only what the algorithm returns (its decision and new state):
 * a key's entry is updated in place.
 */
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
   * Most states kept (one per key and algorithm, about 150 bytes each). Past it the keys written
   * longest ago are forgotten, which lets those callers start afresh: size it above the number of
   * active identities times the limits each one meets.
   * @default 100_000
   */
  maxKeys?: number;
  /** The clock, in milliseconds (tests pass a fake one). @default Date.now */
  now?: () => number;
}

type State = AlgorithmStates[keyof AlgorithmStates];

/** One algorithm's state under a key; a key counted by several algorithms holds a short chain. */
interface Entry {
  algorithm: RateLimitAlgorithm;
  state: State;
  expiresAt: number;
  next: Entry | undefined;
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
  // Insertion order is write order: a written key is deleted and set again, so the first keys
  // are the ones written longest ago.
  const entries = new Map<string, Entry>();
  let states = 0;
  let lastSweep = Number.NEGATIVE_INFINITY;
  // Eviction goes on from where it stopped: a Map iterator stays valid as keys are deleted and
  // added (a fresh iterator would walk the deleted slots at the front on every eviction).
  let oldest: Iterator<[string, Entry]> = entries.entries();

  const chainLength = (head: Entry | undefined) => {
    let n = 0;
    for (let e = head; e !== undefined; e = e.next) n++;
    return n;
  };

  /** Drops the expired states of a key (all of it when none is left). */
  function prune(key: string, head: Entry, time: number): void {
    let kept: Entry | undefined;
    let dropped = 0;
    for (let e: Entry | undefined = head; e !== undefined; ) {
      const next: Entry | undefined = e.next;
      if (e.expiresAt <= time) dropped++;
      else {
        e.next = kept;
        kept = e;
      }
      e = next;
    }
    if (dropped === 0) return;
    states -= dropped;
    if (kept === undefined) entries.delete(key);
    else entries.set(key, kept);
  }

  function makeRoom(time: number): void {
    if (states < maxKeys) return;
    if (time - lastSweep >= SWEEP_INTERVAL) {
      lastSweep = time;
      for (const [key, head] of entries) prune(key, head, time);
    }
    while (states >= maxKeys) {
      let next = oldest.next();
      if (next.done) {
        oldest = entries.entries();
        next = oldest.next();
        if (next.done) return;
      }
      const [key, head] = next.value;
      // The iterator may hand back a key it met before it was written again: skip stale ones.
      if (entries.get(key) !== head) continue;
      entries.delete(key);
      states -= chainLength(head);
    }
  }

  function find(head: Entry | undefined, algorithm: RateLimitAlgorithm): Entry | undefined {
    let entry = head;
    while (entry !== undefined && entry.algorithm !== algorithm) entry = entry.next;
    return entry;
  }

  /** Stores `state` for (key, algorithm), as the key's newest write. */
  function write(key: string, algorithm: RateLimitAlgorithm, state: State, expiresAt: number, time: number) {
    const head = entries.get(key);
    const entry = find(head, algorithm);
    if (entry !== undefined) {
      entry.state = state;
      entry.expiresAt = expiresAt;
      entries.delete(key);
      entries.set(key, head!);
      return;
    }
    makeRoom(time);
    // makeRoom may have evicted this very key.
    const current = entries.get(key);
    if (current !== undefined) entries.delete(key);
    entries.set(key, { algorithm, state, expiresAt, next: current });
    states++;
  }

  /** One check against the stored state, at `time`; `spend` writes an admitted one. */
  function evaluate(check: RateLimitCheck, time: number, spend: boolean) {
    const { algorithm } = check.rule;
    const entry = find(entries.get(check.key), algorithm);
    const state = entry !== undefined && entry.expiresAt > time ? entry.state : undefined;
    // States are kept per algorithm, so a stored state is always this algorithm's.
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
      return states;
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
      states = 0;
      oldest = entries.entries();
    },
  };
}
