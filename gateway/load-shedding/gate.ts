/**
 * The admission gate: counts the requests in flight against the limiter's current limit and
 * admits a request when its class's share of the limit is not yet filled (a class never shed
 * always enters, and counts). Each admitted request holds a slot until its answer is done; a
 * slot is released once, whatever calls `release` (the end of the answer, a client gone, a
 * safety net): a second call does nothing, so no slot is ever counted twice or freed twice.
 */
import type { PriorityClass } from './classes.ts';
import type { Limiter } from './limiter.ts';

/** How a slot's request ended. */
export interface ReleaseOutcome {
  /**
   * The client left before its answer was written: its latency says nothing of the gateway's
   * (nor is it a success), so the limiter is not told.
   */
  abandoned?: boolean;
}

/** One admitted request's place in the count. */
export interface Slot {
  readonly class: PriorityClass;
  /** Gives the place back (once; later calls do nothing) and reports the latency. */
  release(outcome?: ReleaseOutcome): void;
  readonly released: boolean;
}

/** The gate: `admit` a request of a class, or learn that it is shed. */
export interface Gate {
  /** A slot, or undefined when the request must be shed. */
  admit(priority: PriorityClass): Slot | undefined;
  /** Requests holding a slot now. */
  readonly inFlight: number;
  readonly limiter: Limiter;
}

export function createGate(limiter: Limiter, now: () => number = () => performance.now()): Gate {
  let inFlight = 0;
  const admits = (priority: PriorityClass) =>
    priority.share === Number.POSITIVE_INFINITY ||
    inFlight < Math.max(1, Math.ceil(priority.share * limiter.limit));
  return {
    get inFlight() {
      return inFlight;
    },
    limiter,
    admit(priority) {
      if (!admits(priority)) return undefined;
      inFlight++;
      const start = now();
      let released = false;
      return {
        class: priority,
        get released() {
          return released;
        },
        release(outcome = {}) {
          if (released) return;
          released = true;
          const finishing = inFlight;
          inFlight--;
          if (outcome.abandoned) return;
          limiter.sample({ latencyMs: now() - start, inFlight: finishing });
        },
      };
    },
  };
}
