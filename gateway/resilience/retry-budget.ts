/**
 * How many retries a subgraph may have: at most `budget` of its calls over `budgetWindow`, plus
 * `minRetries` whatever the share. When a backend is down every call fails and wants a retry; the
 * budget keeps retries to a tenth (by default) of the traffic, so they cannot multiply an
 * outage's load.
 */
import type { RetryConfig } from '../config/resilience-schema.ts';
import { RollingCounts } from './rolling-counts.ts';

export class RetryBudget {
  // Its `calls` are first attempts, its `failures` the retries.
  readonly #counts: RollingCounts;

  constructor(private readonly config: Pick<RetryConfig, 'budget' | 'minRetries' | 'budgetWindow'>) {
    this.#counts = new RollingCounts(config.budgetWindow);
  }

  /** Counts a call's first attempt. */
  called(now: number): void {
    this.#counts.add(now, 1, 0);
  }

  /** Takes one retry from the budget; false when it is spent. */
  tryRetry(now: number): boolean {
    const { calls, failures: retries } = this.#counts.read(now);
    if (retries + 1 > Math.max(this.config.minRetries, Math.floor(this.config.budget * calls))) return false;
    this.#counts.add(now, 0, 1);
    return true;
  }
}
