import type { ExecutionRequest, ExecutionResult } from '@graphql-tools/utils';

/** Executes one operation against one subgraph. Always resolves: failures become `errors`. */
export type SubgraphExecutor = (request: ExecutionRequest) => Promise<ExecutionResult>;

/** One step of the upstream pipeline: `(next) => function namedStep(request) { ... next(request) ... }`. */
export type ExecutorWrapper = (next: SubgraphExecutor) => SubgraphExecutor;

/** Applies `wrappers` so that the first in the list is the outermost. */
export function composeWrappers(
  wrappers: readonly ExecutorWrapper[],
  transport: SubgraphExecutor,
): SubgraphExecutor {
  return wrappers.reduceRight<SubgraphExecutor>((next, wrap) => wrap(next), transport);
}
