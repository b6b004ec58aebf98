/**
 * The seam between the schema in service and where supergraphs come from: the config's subgraphs
 * (loaded and composed here), a supergraph file, and later a registry. A source puts schemas in
 * service through `SchemaInService` and reports per-subgraph status.
 */

import type { SubgraphPipeline } from '../../core/subgraph-call.ts';
import type { SubgraphLoadContext } from '../../schema/types.ts';
import type { Logger } from '../logger/index.ts';
import type { SchemaInService } from './in-service.ts';
import type { SubgraphStatus } from './loading.ts';
import type { RetryScheduler } from './retry.ts';

export interface SupergraphSourceContext {
  inService: SchemaInService;
  retry: RetryScheduler;
  context: SubgraphLoadContext;
  logger: Logger;
  pipeline: SubgraphPipeline;
}

/** What a health check calls, and how: `{ __typename }` for GraphQL, a GET for REST. */
export interface ProbeTarget {
  name: string;
  /** Said in the log lines of its transitions; both kinds are probed. */
  required: boolean;
  kind: 'graphql' | 'rest';
  url: string;
  headers?: Readonly<Record<string, string>>;
}

export interface SupergraphSource {
  /** The first round; rejects (CONFIG_INVALID) on what no retry can fix, such as an unreadable file. */
  start(): Promise<void>;
  subgraphs(): SubgraphStatus[];
  /** Problems of the last composition or build that failed, if the last attempt failed. */
  compositionProblems(): string[];
  /** The subgraphs with a URL (required or not) to health-check while they are in service. */
  probeTargets(): ProbeTarget[];
  /** Stops what the source runs after its start (a file watch, schema polling). */
  stop?(): Promise<void>;
}
