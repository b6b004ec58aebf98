/**
 * What rooms report to `/readyz` about the backends they judge (the health room shows it): the
 * circuit breakers (gateway/resilience) and the load-balancing targets (gateway/load-balancing).
 * Types only, so that the health room reads them without importing those rooms.
 */

/** One circuit breaker: a subgraph at one origin. */
export interface CircuitBreakerStatus {
  serviceName: string;
  origin: string;
  /** An open breaker whose wait is over shows as `half-open`. */
  state: 'closed' | 'open' | 'half-open';
  /** Times it opened since the gateway started. */
  opened: number;
}

/** One load-balancing target of a subgraph. */
export interface TargetStatus {
  url: string;
  version: string | undefined;
  healthy: boolean;
  ejected: boolean;
  inFlight: number;
}
