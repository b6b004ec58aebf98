/**
 * The HTTP status an operation's result will be answered with, worked out where the operation's
 * span ends (its `onExecutionResult`, before the result processor runs and before the rooms placed
 * after it): Yoga's rule (`getResponseInitByRespectingErrors`), which the JSON fast path uses too,
 * with the error-status room's (the catalogue's status of a gateway error raised before execution).
 */
import { type ExecutionResult, GraphQLError } from 'graphql';
import { ErrorCodes, isGatewayError } from '../../core/errors.ts';

interface HttpExtension {
  status?: unknown;
  spec?: unknown;
}

/**
 * The status of `result` for a client whose `Accept` is `accept`. With `application/json` (or no
 * preference) the GraphQL-over-HTTP spec's legacy 200 stands for a document that does not parse
 * or validate; with `application/graphql-response+json` its 400.
 */
export function httpStatusOf(result: ExecutionResult, accept: string | null): number {
  const legacyJson = prefersJson(accept);
  let status = numberOr0((result.extensions?.http as HttpExtension | undefined)?.status);
  let unexpected = false;
  for (const error of result.errors ?? []) {
    const http = error.extensions?.http as HttpExtension | undefined;
    if (http !== undefined) {
      if (!(legacyJson && http.spec)) status = Math.max(status, numberOr0(http.status));
    } else if (result.data === undefined && isGatewayError(error)) {
      // What the error-status room sets after this hook.
      status = Math.max(status, ErrorCodes[error.extensions.code].status);
    } else if (!(error instanceof GraphQLError) || error.extensions?.unexpected) {
      unexpected = true;
    }
  }
  if (status !== 0) return status;
  return unexpected && !('data' in result) ? 500 : 200;
}

function numberOr0(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

/** Whether the answer will be `application/json`: listed before the GraphQL response type, or neither listed. */
function prefersJson(accept: string | null): boolean {
  if (accept === null) return true;
  const graphql = accept.indexOf('application/graphql-response+json');
  if (graphql === -1) return true;
  const json = accept.indexOf('application/json');
  return json !== -1 && json < graphql;
}
