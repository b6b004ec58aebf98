/**
 * The budget of bytes for upstream bodies being read (stage: subgraph), one per pooled client
 * (`upstream.maxBodyBytesInFlight`): twenty large answers at once must not exhaust the gateway's
 * memory. A body reserves its bytes chunk by chunk as they arrive (one that announces a
 * `content-length` larger than what is left fails before it is read) and gives them back once it
 * has been read and decoded, or when its request fails or is aborted (`read-body.ts`).
 *
 * A reservation that does not fit fails at once; it never waits for room:
 * - a body read chunk by chunk already holds part of the budget when it asks for more; waiting
 *   would be hold-and-wait, and a few large answers each waiting for the others' bytes would all
 *   stall until their deadlines instead of some of them finishing;
 * - a spent budget means the gateway is overloaded with large answers: an immediate 503
 *   (`UPSTREAM_MEMORY_EXHAUSTED`) frees the connection at once and lets clients, retries and
 *   breakers back off, where a queue would keep sockets and timers open behind it;
 * - calls that should wait for room wait before they are sent, in the per-subgraph bulkhead's
 *   queue, where waiting holds no memory;
 * - the hot path stays two additions and a comparison per chunk: no queue, no timer, no promise.
 *
 * What the budget bounds is the bytes of bodies being read, not everything an answer costs: the
 * decoded string (up to twice the bytes in V8), the parsed JSON and the merged result live on
 * after the bytes are released, and are bounded by `upstream.maxResponseSize` per answer and by
 * how many operations run at once.
 */

/** What the budget holds, for tests and diagnostics. */
export interface BodyBudgetUsage {
  /** Bytes the budget allows in flight at once. */
  readonly limit: number;
  /** Bytes reserved now. */
  readonly inUse: number;
  /** The most bytes ever reserved at once (since creation or the last `resetPeak()`). */
  readonly peak: number;
  /** Reservations refused since creation. */
  readonly refused: number;
  resetPeak(): void;
}

export interface BodyBudget extends BodyBudgetUsage {
  /** True when `bytes` fit in what is left now; reserves nothing (false counts as a refusal). */
  fits(bytes: number): boolean;
  /**
   * Reserves `bytes` when they fit in what is left and returns true; returns false (and reserves
   * nothing) when they do not. Never waits.
   */
  tryReserve(bytes: number): boolean;
  /**
   * Gives back `bytes` reserved earlier. The caller gives back exactly what it reserved; the
   * bytes in use never go below 0 even if it does not.
   */
  release(bytes: number): void;
}

/** @param limit bytes allowed in flight at once; a positive integer */
export function createBodyBudget(limit: number): BodyBudget {
  if (!Number.isSafeInteger(limit) || limit <= 0) {
    throw new RangeError(`the body budget must be a positive integer of bytes, got ${limit}`);
  }
  let inUse = 0;
  let peak = 0;
  let refused = 0;
  return {
    limit,
    get inUse() {
      return inUse;
    },
    get peak() {
      return peak;
    },
    get refused() {
      return refused;
    },
    resetPeak() {
      peak = inUse;
    },
    fits(bytes) {
      if (inUse + bytes <= limit) return true;
      refused++;
      return false;
    },
    tryReserve(bytes) {
      if (inUse + bytes > limit) {
        refused++;
        return false;
      }
      inUse += bytes;
      if (inUse > peak) peak = inUse;
      return true;
    },
    release(bytes) {
      inUse = bytes >= inUse ? 0 : inUse - bytes;
    },
  };
}
