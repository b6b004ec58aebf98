/**
 * Runs operations the planner sends (root fields and `_entities`) against the in-process schema of
 * a REST subgraph. The operation's context is passed through unchanged, so per-request loaders
 * keyed on it are shared by every call of one client operation and by no other. Never throws:
 * failures become `{ errors }` with a catalogue code and the service name.
 */
import { createDefaultExecutor } from '@graphql-tools/delegate';
import { isAsyncIterable } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import { gatewayError } from '../../gateway/errors/index.ts';
import { errorsAsData } from '../../gateway/upstream/errors-as-data.ts';
import { composeWrappers, type SubgraphExecutor } from '../../gateway/upstream/index.ts';

export function inProcessExecutor(serviceName: string, schema: GraphQLSchema): SubgraphExecutor {
  const execute = createDefaultExecutor(schema);
  return composeWrappers(
    [
      // Outermost: a bug or a rejected promise below still answers the planner with an error.
      errorsAsData(serviceName),
    ],
    async function restSchemaExecutor(request) {
      // Loaders are keyed on the context; without one, this execution gets its own.
      const result = await execute({ ...request, context: request.context ?? {} });
      if (isAsyncIterable(result)) {
        throw gatewayError('SUBGRAPH_BAD_RESPONSE', `${serviceName} cannot stream results`, { serviceName });
      }
      return result;
    },
  );
}
