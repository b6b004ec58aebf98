/**
 * The subgraph pipeline (stage: subgraph). Loaders return bare executors; the composition root
 * wraps every subgraph's executor, whatever its kind, in the one ordered list of wrappers that
 * its rooms contribute (`createPipeline`). Schema loads pass the same list, marked as calls of
 * kind `schema-load`.
 */
import type { ExecutionRequest } from '@graphql-tools/utils';
import type { UpstreamClient } from '../../core/http-client.ts';
import {
  composeWrappers,
  type ExecutorWrapper,
  type SubgraphPipeline as Pipeline,
  type SubgraphInfo,
  withCallKind,
} from '../../core/subgraph-call.ts';
import type { RemoteEndpoint, SubgraphLoadContext } from '../../schema/types.ts';
import { createHttpTransport } from './http-transport.ts';

export { callHeaders } from './call-headers.ts';
export { checkEntityCount } from './check-entities.ts';
export { type DedupMode, dedupRequests } from './dedup.ts';
export { errorsAsData } from './errors-as-data.ts';
export { parseGraphQLResponse } from './parse-response.ts';

/**
 * The pipeline whose steps, outermost first, are `wrappers(subgraph)`. The steps of a subgraph
 * are made once per name and URL and reused for its schema loads, its retries and the executor put
 * in service, so a room that keeps state per subgraph (a breaker, metrics) sees every call in one place.
 */
export function createPipeline(wrappers: (subgraph: SubgraphInfo) => readonly ExecutorWrapper[]): Pipeline {
  const steps = new Map<string, readonly ExecutorWrapper[]>();
  return (subgraph, executor) => {
    const key = `${subgraph.name}\0${subgraph.url}`;
    let list = steps.get(key);
    if (list === undefined) {
      list = wrappers(subgraph);
      steps.set(key, list);
    }
    return composeWrappers(list, executor);
  };
}

/**
 * What subgraph loaders get: the pooled client, the bare HTTP transport, and schema loads through
 * `pipeline` (default: none, as for `gatehouse compose`). A client given as a function is read
 * when a loader runs, not when the context is made: in the composition root, the client's
 * interceptors come from the same room list that serves the supergraph.
 */
export function createLoadContext(
  client: UpstreamClient | (() => UpstreamClient),
  pipeline: Pipeline = (_subgraph, executor) => executor,
): SubgraphLoadContext {
  const current = typeof client === 'function' ? client : () => client;
  const transport = (endpoint: RemoteEndpoint) =>
    createHttpTransport({
      serviceName: endpoint.name,
      url: endpoint.url,
      client: current(),
      timeout: endpoint.timeout,
      headers: endpoint.headers,
    });
  return {
    get client() {
      return current();
    },
    transport,
    load(endpoint: RemoteEndpoint, request: ExecutionRequest) {
      const executor = pipeline({ name: endpoint.name, url: endpoint.url }, transport(endpoint));
      return executor(withCallKind(request, 'schema-load'));
    },
  };
}
