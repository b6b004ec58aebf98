/**
 * `gatehouse compose`: every subgraph loaded once, through the same loading code as the gateway,
 * then composed in config order. A supergraph with subgraphs that run in process (REST, plain
 * GraphQL) is marked so (`marker.ts`): it can only be served with the config that defines them.
 */

import { GatehouseError } from '../../core/errors.ts';
import { composeSubgraphs, formatCompositionProblems } from '../../schema/compose.ts';
import type { SubgraphLoadContext } from '../../schema/types.ts';
import type { Logger } from '../logger/index.ts';
import { inOrder } from './config-source.ts';
import { createSubgraphLoads, type SubgraphSource } from './loading.ts';
import { inProcessMarker } from './marker.ts';

export interface ComposeOutcome {
  /** The supergraph SDL (with its in-process marker line, if any), when composition succeeded. */
  supergraphSdl?: string;
  /** One line per problem: `[CODE] (subgraphs) message`. */
  problems: string[];
}

export async function composeOnce(options: {
  subgraphs: readonly SubgraphSource[];
  context: SubgraphLoadContext;
  logger: Logger;
}): Promise<ComposeOutcome> {
  const { subgraphs } = options;
  const loads = createSubgraphLoads({
    sources: subgraphs,
    context: options.context,
    logger: options.logger,
    pipeline: (_subgraph, executor) => executor,
  });
  const outcomes = await Promise.all(subgraphs.map((s) => loads.load(s)));
  const problems = subgraphs.flatMap((s, i) => {
    const outcome = outcomes[i]!;
    if (!('error' in outcome)) return [];
    const code = outcome.error instanceof GatehouseError ? outcome.error.code : 'SUBGRAPH_LOAD_FAILED';
    return [`[${code}] (${s.name}) ${loads.states.get(s.name)!.error}`];
  });
  if (problems.length > 0) return { problems };
  const result = composeSubgraphs(inOrder(subgraphs, loads.loaded));
  if (result.problems) return { problems: formatCompositionProblems(result.problems) };
  const inProcess = subgraphs.filter((s) => s.kind === 'rest' || s.kind === 'graphql');
  const marker = inProcessMarker(inProcess.map((s) => ({ name: s.name, kind: s.kind! })));
  return { supergraphSdl: `${marker}${result.supergraphSdl}`, problems: [] };
}
