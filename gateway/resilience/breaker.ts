/**
 * One circuit breaker: the state of one backend origin as this replica sees it.
 *
 * - **closed**: calls pass. Each one's outcome is counted over a rolling window; a call in flight
 *   longer than `slowCallThreshold` counts as failed from that moment (so a hung backend opens the
 *   breaker before its calls time out). With at least `minimumCalls` in the window and a share of
 *   failures at or over `failureRate`, it opens.
 * - **open**: calls are refused at once, for `openDuration`, doubled each time it opens again
 *   without having closed, up to `maxOpenDuration`.
 * - **half-open**: once the wait is over, `halfOpenCalls` probes pass (others are refused). One
 *   failed probe opens it again; when all have succeeded it closes and forgets the window.
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
  /** Calls and failures in the window when it opened from closed. */
  calls?: number;
  failures?: number;
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

  /** Records how a call ended; a call slower than `slowCallThreshold` failed whatever it answered. */
  settle(ticket: BreakerTicket, failed: boolean, now: number): void {
    if (!this.#inFlight.delete(ticket)) return;
    const outcomeFailed = failed || now - ticket.start >= this.config.slowCallThreshold;
    if (ticket.probe) {
      this.#probesInFlight--;
      if (this.#state !== 'half-open') return;
      if (outcomeFailed) {
        this.#open(now);
        return;
      }
      this.#probeSuccesses++;
      if (this.#probeSuccesses >= this.config.halfOpenCalls) this.#close();
      return;
    }
    this.#counts.add(now, 1, outcomeFailed ? 1 : 0);
    if (outcomeFailed && this.#state === 'closed') this.#judge(now);
  }

  /** Forgets a call whose outcome says nothing of the backend (the client went away). */
  release(ticket: BreakerTicket): void {
    if (!this.#inFlight.delete(ticket)) return;
    if (ticket.probe) this.#probesInFlight--;
  }

  #judge(now: number): void {
    const slow = this.#slowInFlight(now);
    const { calls, failures } = this.#counts.read(now);
    const total = calls + slow;
    if (total < this.config.minimumCalls) return;
    if ((failures + slow) / total < this.config.failureRate) return;
    this.#open(now, { calls: total, failures: failures + slow });
  }

  #open(now: number, window?: { calls: number; failures: number }): void {
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
