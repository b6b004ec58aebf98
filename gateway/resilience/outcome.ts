/**
 * What an upstream call's end says of its backend, for a breaker and for retries. Failed: it
 * could not be reached, it timed out on its own timeout, or it answered 5xx. Nothing: the client
 * went away, the request's deadline cut the call short, or the gateway dropped it (memory budget,
 * a body over `maxResponseSize`).
 */
import { isGatewayError } from '../../core/errors.ts';
import type { UpstreamRequest } from '../../core/http-client.ts';
import { wasCutByDeadline } from './deadline.ts';

export type CallOutcome = 'ok' | 'failed' | 'unknown';

/** The outcome of a call that threw `error`. */
export function errorOutcome(error: unknown, request: UpstreamRequest): CallOutcome {
  if (request.signal?.aborted === true) return 'unknown';
  const code = codeOf(error);
  if (code === 'SUBGRAPH_UNAVAILABLE') return 'failed';
  if (code === 'GATEWAY_TIMEOUT') return wasCutByDeadline(request) ? 'unknown' : 'failed';
  return 'unknown';
}

/** The outcome of a call answered with `status`. */
export function statusOutcome(status: number): CallOutcome {
  return status >= 500 ? 'failed' : 'ok';
}

/** The catalogue code of a gateway error, or undefined. */
export function codeOf(error: unknown): string | undefined {
  return isGatewayError(error) ? error.extensions.code : undefined;
}
