/**
 * The upstream pipeline (stage: subgraph). Every request the planner sends to a remote GraphQL
 * subgraph passes these steps, outermost first. Later rooms (breaker, retry, metrics) slot into
 * this one list.
 */
import type { SubgraphLoadContext } from '../../schema/types.ts';
import type { UpstreamClient } from '../http/index.ts';
import { dedupRequests } from './dedup.ts';
import { errorsAsData } from './errors-as-data.ts';
import { createHttpTransport } from './http-transport.ts';
import { composeWrappers, type SubgraphExecutor } from './types.ts';

export { clientSignal } from './client-signal.ts';
export { parseGraphQLResponse } from './parse-response.ts';
export { printCached } from './print-cache.ts';
export type { ExecutorWrapper, SubgraphExecutor } from './types.ts';
export { composeWrappers } from './types.ts';

export interface SubgraphExecutorOptions {
  /** Subgraph name, named in errors as `serviceName`. */
  name: string;
  /** GraphQL endpoint. */
  url: string;
  client: UpstreamClient;
  /** Deadline for one request, in milliseconds. @default upstream.requestTimeout */
  timeout?: number;
  /** Headers added to every request. @default {} */
  headers?: Readonly<Record<string, string>>;
}

export function createSubgraphExecutor(options: SubgraphExecutorOptions): SubgraphExecutor {
  return composeWrappers(
    [
      // Outermost: nothing below may throw past the planner; failures become errors with a code.
      errorsAsData(options.name),
      // Before the wire: the same request twice in one operation is sent once.
      dedupRequests(options.name),
    ],
    createHttpTransport({
      serviceName: options.name,
      url: options.url,
      client: options.client,
      timeout: options.timeout,
      headers: options.headers,
    }),
  );
}

/** What subgraph loaders get: the pooled client and a way to build this pipeline for a URL. */
export function createLoadContext(client: UpstreamClient): SubgraphLoadContext {
  return { client, remoteExecutor: (options) => createSubgraphExecutor({ ...options, client }) };
}
