/**
 * The subgraph-call types (stage: subgraph), shared by `schema/` (whose loaders return bare
 * executors) and `gateway/` (whose composition root wraps each one in the one pipeline).
 */
import type { ExecutionRequest, ExecutionResult } from '@graphql-tools/utils';
import { requestTable } from './request-table.ts';

/** Executes one operation against one subgraph. Wrapped in the pipeline, it never rejects. */
export type SubgraphExecutor = (request: ExecutionRequest) => Promise<ExecutionResult>;

/** One step of the subgraph pipeline: `(next) => function namedStep(request) { ... next(request) ... }`. */
export type ExecutorWrapper = (next: SubgraphExecutor) => SubgraphExecutor;

/** The subgraph a pipeline is built for; given to each room's `subgraph(info)`. */
export interface SubgraphInfo {
  name: string;
  url: string;
}

/**
 * Wraps one subgraph's bare executor in the pipeline (`createPipeline` in gateway/upstream); the
 * supergraph room passes each executor it puts in service through it once.
 */
export type SubgraphPipeline = (subgraph: SubgraphInfo, executor: SubgraphExecutor) => SubgraphExecutor;

/**
 * What a call is for: `operation`, part of a client operation (the planner's root fields and
 * `_entities`); `schema-load`, the gateway loading a subgraph's schema (`_service { sdl }`,
 * introspection). A breaker, a retry or a cache may treat them differently.
 */
export type CallKind = 'operation' | 'schema-load';

// Kept beside the request rather than in it: nothing of it goes on the wire.
const kinds = requestTable<CallKind>();

/** Marks `request` as a call of `kind`; returns it. */
export function withCallKind<T extends ExecutionRequest>(request: T, kind: CallKind): T {
  kinds.set(request, kind);
  return request;
}

/** The kind of `request`. @default 'operation' */
export function callKind(request: ExecutionRequest): CallKind {
  return kinds.get(request) ?? 'operation';
}

/** Applies `wrappers` so that the first in the list is the outermost. */
export function composeWrappers(
  wrappers: readonly ExecutorWrapper[],
  transport: SubgraphExecutor,
): SubgraphExecutor {
  return wrappers.reduceRight<SubgraphExecutor>((next, wrap) => wrap(next), transport);
}
