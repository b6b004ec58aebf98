/**
 * What a run's answer says to the cache: whether it may be kept (data and no errors: partial data
 * is not kept, the next request tries again), and whether it failed because a backend did (then
 * a kept answer may stand in for it, `staleIfError`).
 */
import type { ExecutionResult } from 'graphql';
import { type ErrorCode, isGatewayError } from '../../core/errors.ts';

/** Codes of a backend that failed (rather than answered): an answer kept may stand in for it. */
const BACKEND_FAILURES = new Set<ErrorCode>([
  'SUBGRAPH_UNAVAILABLE',
  'GATEWAY_TIMEOUT',
  'SUBGRAPH_BAD_RESPONSE',
  'REST_HTTP_ERROR',
  'SUBGRAPH_NOT_LOADED',
  'SUBGRAPH_CIRCUIT_OPEN',
  'SUBGRAPH_OVERLOADED',
  'UPSTREAM_MEMORY_EXHAUSTED',
]);

export function isCacheable(result: ExecutionResult): boolean {
  return (
    result.data !== undefined &&
    result.data !== null &&
    (result.errors === undefined || result.errors.length === 0)
  );
}

export function backendFailed(result: ExecutionResult): boolean {
  return (result.errors ?? []).some((error) => BACKEND_FAILURES.has(error.extensions?.code as ErrorCode));
}

/**
 * A call that threw because its backend failed: the transport's errors, before the outermost step
 * makes them data (anything else thrown there becomes SUBGRAPH_UNAVAILABLE).
 */
export function backendThrew(error: unknown): boolean {
  return !isGatewayError(error) || BACKEND_FAILURES.has(error.extensions.code as ErrorCode);
}
