/**
 * The outermost step: whatever goes wrong below (unreachable, timeout, bad response, a bug) comes
 * back as a result with one catalogue error, so the planner turns it into `null` at the right
 * path plus an error, and sibling fields from other subgraphs still resolve.
 */
import { gatewayError, isGatewayError } from '../../core/errors.ts';
import type { ExecutorWrapper } from '../../core/subgraph-call.ts';

export function errorsAsData(serviceName: string): ExecutorWrapper {
  return (next) =>
    async function errorsAsDataExecutor(request) {
      try {
        return await next(request);
      } catch (cause) {
        const error = isGatewayError(cause)
          ? cause
          : gatewayError('SUBGRAPH_UNAVAILABLE', `${serviceName} failed`, { serviceName, cause });
        return { errors: [error] };
      }
    };
}
