/**
 * One circuit breaker: the state of one backend origin as this replica sees it.
 *
 * - **closed**: calls pass. Each one's outcome is counted over a rolling window: failed or not,
 *   slow or not (longer than `slowCallThreshold`; a call in flight that long counts as slow from
 *   that moment, so a hung backend opens the breaker before its calls time out). With at least
 *   `minimumCalls` in the window and a share of failures at or over `failureRate`, or of slow calls
 *   at or over `slowCallRate`, it opens.
 * - **open**: calls are refused at once, for `openDuration`, doubled each time it opens again
 *   without having closed, up to `maxOpenDuration`.
 * - **half-open**: once the wait is over, `halfOpenCalls` probes pass (others are refused). One
 *   failed or slow probe opens it again; when all have succeeded it closes and forgets the window.
 */
import type { CircuitBreakerConfig } from '../config/resilience-schema.ts';
import { RollingCounts } from './rolling-counts.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** A call let through: give it back to `settle` (or `release` when its outcome says nothing). */
export interface BreakerTicket {
  readonly start: number;
  readonly probe: boolean;
}

/** Why the state changed, for the log line. */
export interface BreakerTransition {
  from: BreakerState;
  to: BreakerState;
  /** Calls, failures and slow calls in the window when it opened from closed. */
  calls?: number;
  failures?: number;
  slow?: number;
  /** How long it stays open (when it opens). */
  openFor?: number;
}

export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #openUntil = 0;
  // Times it opened since it last closed: the wait doubles with each.
  #opens = 0;
  #probesInFlight = 0;
  #probeSuccesses = 0;
  readonly #counts: RollingCounts;
  // In flight, oldest first (a Set keeps insertion order, and calls start in time order).
  readonly #inFlight = new Set<BreakerTicket>();
  /** Times it opened, since it was made (for metrics). */
  opened = 0;

  constructor(
    private readonly config: Omit<CircuitBreakerConfig, 'enabled'>,
    private readonly onTransition: (transition: BreakerTransition) => void = () => {},
  ) {
    this.#counts = new RollingCounts(config.window);
  }

  get state(): BreakerState {
    return this.#state;
  }

  /** The state as an observer sees it at `now`: an open breaker whose wait is over is half-open. */
  stateAt(now: number): BreakerState {
    return this.#state === 'open' && now >= this.#openUntil ? 'half-open' : this.#state;
  }

  /** Milliseconds until an open breaker lets a probe through; 0 when it is not open. */
  retryIn(now: number): number {
    return this.#state === 'open' ? Math.max(0, this.#openUntil - now) : 0;
  }

  /** True when a call at `now` would be refused (nothing changes). */
  refuses(now: number): boolean {
    if (this.#state === 'open') return now < this.#openUntil;
    if (this.#state === 'half-open')
      return this.#probesInFlight + this.#probeSuccesses >= this.config.halfOpenCalls;
    return false;
  }

  /** Lets a call through (a ticket), or refuses it (undefined). */
  admit(now: number): BreakerTicket | undefined {
    if (this.#state === 'closed') {
      if (this.#slowInFlight(now) > 0) this.#judge(now);
    } else if (this.#state === 'half-open' && this.#slowProbe(now)) {
      this.#open(now);
    }
    if (this.#state === 'open') {
      if (now < this.#openUntil) return undefined;
      this.#move('half-open');
      this.#probesInFlight = 0;
      this.#probeSuccesses = 0;
    }
    let probe = false;
    if (this.#state === 'half-open') {
      if (this.#probesInFlight + this.#probeSuccesses >= this.config.halfOpenCalls) return undefined;
      this.#probesInFlight++;
      probe = true;
    }
    const ticket: BreakerTicket = { start: now, probe };
    this.#inFlight.add(ticket);
    return ticket;
  }

  /** Records how a call ended; one slower than `slowCallThreshold` is slow whatever it answered. */
  settle(ticket: BreakerTicket, failed: boolean, now: number): void {
    if (!this.#inFlight.delete(ticket)) return;
    this.#record(ticket, failed, now - ticket.start >= this.config.slowCallThreshold, now);
  }

  /**
   * Forgets a call whose end says nothing of the backend (its client went away, its request's
   * deadline cut it); one that had already been slow for `slowCallThreshold` is counted as slow.
   */
  release(ticket: BreakerTicket, now: number): void {
    if (!this.#inFlight.delete(ticket)) return;
    if (now - ticket.start >= this.config.slowCallThreshold) this.#record(ticket, false, true, now);
    else if (ticket.probe) this.#probesInFlight--;
  }

  #record(ticket: BreakerTicket, failed: boolean, slow: boolean, now: number): void {
    if (ticket.probe) {
      this.#probesInFlight--;
      if (this.#state !== 'half-open') return;
      if (failed || slow) {
        this.#open(now);
        return;
      }
      this.#probeSuccesses++;
      if (this.#probeSuccesses >= this.config.halfOpenCalls) this.#close();
      return;
    }
    this.#counts.add(now, 1, failed ? 1 : 0, slow ? 1 : 0);
    if ((failed || slow) && this.#state === 'closed') this.#judge(now);
  }

  #judge(now: number): void {
    const slowInFlight = this.#slowInFlight(now);
    const { calls, failures, slow } = this.#counts.read(now);
    const total = calls + slowInFlight;
    if (total < this.config.minimumCalls) return;
    const slowCalls = slow + slowInFlight;
    if (failures / total < this.config.failureRate && slowCalls / total < this.config.slowCallRate) return;
    this.#open(now, { calls: total, failures, slow: slowCalls });
  }

  #open(now: number, window?: { calls: number; failures: number; slow: number }): void {
    const wait = Math.min(this.config.openDuration * 2 ** this.#opens, this.config.maxOpenDuration);
    this.#opens++;
    this.opened++;
    this.#openUntil = now + wait;
    this.#probesInFlight = 0;
    this.#probeSuccesses = 0;
    // Calls still in flight from before have had their say (a hung one counted as slow): the
    // probes decide from here, and those calls are never counted again.
    this.#inFlight.clear();
    this.#move('open', { ...window, openFor: wait });
  }

  #close(): void {
    this.#opens = 0;
    this.#counts.clear();
    this.#move('closed');
  }

  #move(to: BreakerState, details: Omit<BreakerTransition, 'from' | 'to'> = {}): void {
    const from = this.#state;
    this.#state = to;
    this.onTransition({ from, to, ...details });
  }

  // Calls in flight longer than the slow threshold: they count as failed from then on.
  #slowInFlight(now: number): number {
    let slow = 0;
    for (const ticket of this.#inFlight) {
      if (now - ticket.start < this.config.slowCallThreshold) break;
      if (!ticket.probe) slow++;
    }
    return slow;
  }

  #slowProbe(now: number): boolean {
    for (const ticket of this.#inFlight) {
      if (now - ticket.start < this.config.slowCallThreshold) return false;
      if (ticket.probe) return true;
    }
    return false;
  }
}
