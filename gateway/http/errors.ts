/**
 * What a failed upstream call becomes: a catalogue error naming the service. Timeouts (the
 * request deadline, undici's connect, headers and body timeouts) are GATEWAY_TIMEOUT; a response
 * too large is SUBGRAPH_BAD_RESPONSE; anything else on the wire (refused, reset, DNS) is
 * SUBGRAPH_UNAVAILABLE. A catalogue error raised while reading (UPSTREAM_MEMORY_EXHAUSTED) stays as
 * it is. The cause is kept for the logs, never shown to clients.
 */
import type { GraphQLError } from 'graphql';
import { errors as undiciErrors } from 'undici';
import { gatewayError, isGatewayError } from '../../core/errors.ts';

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * Maps `cause` to a catalogue error for `serviceName`. `timedOutAfter` is the deadline in
 * milliseconds when the request's own deadline fired.
 */
export function toUpstreamError(cause: unknown, serviceName: string, timedOutAfter?: number): GraphQLError {
  if (isGatewayError(cause)) return cause;
  const code = (cause as { code?: string } | null)?.code;
  if (timedOutAfter !== undefined) {
    return gatewayError('GATEWAY_TIMEOUT', `${serviceName} did not answer within ${timedOutAfter} ms`, {
      serviceName,
      cause,
    });
  }
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return gatewayError('GATEWAY_TIMEOUT', `${serviceName} timed out (${code})`, { serviceName, cause });
  }
  if (cause instanceof undiciErrors.ResponseExceededMaxSizeError) {
    return gatewayError('SUBGRAPH_BAD_RESPONSE', `${serviceName} sent a response that is too large`, {
      serviceName,
      cause,
    });
  }
  return gatewayError('SUBGRAPH_UNAVAILABLE', `${serviceName} is unavailable${code ? ` (${code})` : ''}`, {
    serviceName,
    cause,
  });
}
