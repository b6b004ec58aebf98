/**
 * Runs operations the planner sends (root fields and `_entities`) against the in-process schema of
 * a REST subgraph. The operation's context is passed through unchanged, so per-request loaders
 * keyed on it are shared by every call of one client operation and by no other. A bare executor:
 * the composition root wraps it in the subgraph pipeline, whose outermost step turns a rejection
 * into `{ errors }` with a catalogue code and the service name.
 */
import { createDefaultExecutor } from '@graphql-tools/delegate';
import { type ExecutionResult, isAsyncIterable } from '@graphql-tools/utils';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { clientSignal } from '../../core/client-signal.ts';
import { gatewayError, isGatewayError } from '../../core/errors.ts';
import { rootWithHeaders } from '../../core/outgoing-headers.ts';
import type { SubgraphExecutor } from '../../core/subgraph-call.ts';

/** The executor of an in-process subgraph schema. */
export function inProcessExecutor(serviceName: string, schema: GraphQLSchema): SubgraphExecutor {
  const execute = createDefaultExecutor(schema);
  return async function restSchemaExecutor(request) {
    // Loaders are keyed on the context; without one, this execution gets its own. The planner
    // does not pass the client's signal on: take it from the context so REST calls are
    // cancelled when the client goes away.
    // The call's headers (header rules) ride on the root value: every REST call it makes sends them.
    const result = await execute({
      ...request,
      rootValue: rootWithHeaders(request),
      context: request.context ?? {},
      signal: clientSignal(request),
    });
    if (isAsyncIterable(result)) {
      throw gatewayError('SUBGRAPH_BAD_RESPONSE', `${serviceName} cannot stream results`, { serviceName });
    }
    return withShapeErrors(result, serviceName);
  };
}

/** What graphql-js says when a value does not fit its type: null, scalar, enum, list, abstract type. */
const SHAPE_ERRORS = [
  /^Cannot return null for non-nullable field /,
  /cannot represent /,
  /^Expected Iterable, but did not find one for field /,
  /^Abstract type "\w+" must resolve to an Object type /,
];

/**
 * JSON that does not fit the schema (a required field missing, `"lots"` for an `Int`) is the API's
 * fault, not the gateway's: those errors become SUBGRAPH_BAD_RESPONSE. Other unexpected errors
 * are left for the response stage to mask and log.
 */
function withShapeErrors(result: ExecutionResult, serviceName: string): ExecutionResult {
  if (result.errors === undefined) return result;
  const errors = result.errors.map((error) => {
    const original = error.originalError;
    if (isGatewayError(error) || isGatewayError(original)) return error;
    const isShape =
      SHAPE_ERRORS.some((re) => re.test(error.message)) ||
      (original instanceof GraphQLError && original.originalError == null);
    if (!isShape) return error;
    return gatewayError(
      'SUBGRAPH_BAD_RESPONSE',
      `${serviceName} answered JSON that does not fit: ${error.message}`,
      {
        serviceName,
        path: error.path,
      },
    );
  });
  return { ...result, errors };
}
