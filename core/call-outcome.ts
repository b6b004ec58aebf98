/**
 * What an upstream call's end says of its backend, for the circuit breakers, outlier ejection
 * and retries alike. `failed`: it could not be reached, it timed out on its own timeout, or it
 * answered 5xx (or the gateway's own deadline cut it). `unknown`: its client went away, a deadline
 * its client asked for (shorter than the gateway's) cut it short, or the
 * gateway dropped it (memory budget, a body over `maxResponseSize`): none of that is the
 * backend's doing.
 */
import { isDeadlineError } from './deadline.ts';
import { isGatewayError } from './errors.ts';

export type CallOutcome = 'ok' | 'failed' | 'unknown';

/** The outcome of a call that threw `error`; `signal` is the call's. */
export function errorOutcome(error: unknown, signal: AbortSignal | undefined): CallOutcome {
  if (signal?.aborted === true || !isGatewayError(error) || isDeadlineError(error)) return 'unknown';
  const code = error.extensions.code;
  return code === 'SUBGRAPH_UNAVAILABLE' || code === 'GATEWAY_TIMEOUT' ? 'failed' : 'unknown';
}

/** The outcome of a call answered with HTTP `status`. */
export function statusOutcome(status: number): CallOutcome {
  return status >= 500 ? 'failed' : 'ok';
}
