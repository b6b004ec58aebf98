/**
 * Counts over a rolling window, in buckets: a breaker's (calls, failures, slow calls) and a retry
 * budget's (calls, retries) memory of the recent past. Counting and reading cost a few array
 * operations, whatever the traffic.
 */

const BUCKETS = 10;

/** What was counted in the window. */
export interface Counted {
  calls: number;
  failures: number;
  slow: number;
}

export class RollingCounts {
  readonly #bucketMs: number;
  readonly #calls = new Float64Array(BUCKETS);
  readonly #failures = new Float64Array(BUCKETS);
  readonly #slow = new Float64Array(BUCKETS);
  // The bucket number (time / bucketMs) each slot holds; a slot of an older number is stale.
  readonly #stamps = new Float64Array(BUCKETS).fill(Number.NEGATIVE_INFINITY);

  /** `windowMs` is split into ten buckets; the window slides one bucket at a time. */
  constructor(windowMs: number) {
    this.#bucketMs = Math.max(1, windowMs / BUCKETS);
  }

  /** Counts `calls`, `failures` and `slow` at `now` (a call that failed is one call and one failure). */
  add(now: number, calls: number, failures: number, slow = 0): void {
    const slot = this.#slot(now);
    this.#calls[slot] = (this.#calls[slot] as number) + calls;
    this.#failures[slot] = (this.#failures[slot] as number) + failures;
    this.#slow[slot] = (this.#slow[slot] as number) + slow;
  }

  /** What was counted in the window that ends at `now`. */
  read(now: number): Counted {
    const current = Math.floor(now / this.#bucketMs);
    const counted = { calls: 0, failures: 0, slow: 0 };
    for (let slot = 0; slot < BUCKETS; slot++) {
      if ((this.#stamps[slot] as number) > current - BUCKETS) {
        counted.calls += this.#calls[slot] as number;
        counted.failures += this.#failures[slot] as number;
        counted.slow += this.#slow[slot] as number;
      }
    }
    return counted;
  }

  /** Forgets everything counted. */
  clear(): void {
    this.#stamps.fill(Number.NEGATIVE_INFINITY);
  }

  #slot(now: number): number {
    const bucket = Math.floor(now / this.#bucketMs);
    const slot = bucket % BUCKETS;
    if (this.#stamps[slot] !== bucket) {
      this.#stamps[slot] = bucket;
      this.#calls[slot] = 0;
      this.#failures[slot] = 0;
      this.#slow[slot] = 0;
    }
    return slot;
  }
}
