/**
 * The embedded rate-limit store (the default): one Map of algorithm states in this process.
 * `check` runs synchronously inside, so checks never interleave and the limit is exact in one
 * process by construction (replicas each count on their own: use the Redis store to share).
 *
 * Bounded: at most `maxKeys` keys. An expired key is dropped when it is read; when the Map is full,
 * expired keys are swept (at most once a second: a sweep walks every key), and if it is still
 * full, the keys written longest ago go first. A full store never grows and never throws.
 */
import { type AlgorithmStates, invalidCheck, runAlgorithm, unspent } from './algorithms.ts';
import type { RateLimitCheck, RateLimitStore } from './types.ts';

export interface MemoryStoreOptions {
  /**
   * Most keys kept (about 150 bytes each). Past it the keys written longest ago are forgotten,
   * which lets those callers start afresh: size it above the number of active identities.
   * @default 100_000
   */
  maxKeys?: number;
  /** The clock, in milliseconds (tests pass a fake one). @default Date.now */
  now?: () => number;
}

interface Entry {
  state: AlgorithmStates[keyof AlgorithmStates];
  expiresAt: number;
}

export const DEFAULT_MAX_KEYS = 100_000;
const SWEEP_INTERVAL = 1_000; // 1 s: a full sweep costs O(keys)

/** Creates a memory store. */
export function createMemoryStore(
  options: MemoryStoreOptions = {},
): RateLimitStore & { readonly size: number } {
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  if (!Number.isSafeInteger(maxKeys) || maxKeys < 1)
    throw new TypeError(`maxKeys must be a positive integer, not ${maxKeys}`);
  const now = options.now ?? Date.now;
  // Insertion order is write order: a written key is deleted and set again, so the first keys
  // are the ones written longest ago.
  const entries = new Map<string, Entry>();
  let lastSweep = Number.NEGATIVE_INFINITY;

  function makeRoom(time: number): void {
    if (entries.size < maxKeys) return;
    if (time - lastSweep >= SWEEP_INTERVAL) {
      lastSweep = time;
      for (const [key, entry] of entries) if (entry.expiresAt <= time) entries.delete(key);
    }
    for (const key of entries.keys()) {
      if (entries.size < maxKeys) break;
      entries.delete(key);
    }
  }

  /** One check's outcome, and the write that spends it (made by the caller, or not). */
  function evaluate(check: RateLimitCheck, time: number) {
    const cost = check.cost ?? 1;
    const key = `${check.rule.algorithm}:${check.key}`;
    let entry = entries.get(key);
    if (entry && entry.expiresAt <= time) {
      entries.delete(key);
      entry = undefined;
    }
    // The key carries the algorithm, so a stored state is always this algorithm's.
    const outcome = runAlgorithm(check.rule, entry?.state, time, cost);
    const write = () => {
      if (!outcome.state) return;
      if (entries.has(key)) entries.delete(key);
      else makeRoom(time);
      entries.set(key, { state: outcome.state, expiresAt: time + outcome.ttlMs });
    };
    return { decision: outcome.decision, write };
  }

  return {
    kind: 'memory',
    get size() {
      return entries.size;
    },
    check(checks, options) {
      try {
        // Every check is valid before any is counted.
        for (const { key, rule, cost } of checks) {
          const problem = invalidCheck(rule, cost ?? 1);
          if (problem) throw new TypeError(`rate-limit check of ${JSON.stringify(key)}: ${problem}`);
        }
        const time = now();
        if (!options?.together) {
          return Promise.resolve(
            checks.map((check) => {
              const { decision, write } = evaluate(check, time);
              write();
              return decision;
            }),
          );
        }
        const outcomes = checks.map((check) => evaluate(check, time));
        const all = outcomes.every((o) => o.decision.allowed);
        if (all) for (const o of outcomes) o.write();
        return Promise.resolve(
          outcomes.map((o, i) => (all ? o.decision : unspent(o.decision, checks[i]!.cost ?? 1))),
        );
      } catch (error) {
        return Promise.reject(error);
      }
    },
    async close() {
      entries.clear();
    },
  };
}
