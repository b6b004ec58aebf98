/**
 * The subgraph-call types (stage: subgraph), shared by `schema/` (whose loaders return bare
 * executors) and `gateway/` (whose composition root wraps each one in the one pipeline).
 */
import type { ExecutionRequest, ExecutionResult, Executor } from '@graphql-tools/utils';

/**
 * One call to a subgraph: graphql-tools' request with its `any` defaults pinned, so code that
 * reads `variables` or `context` has to narrow them.
 */
export type SubgraphRequest = ExecutionRequest<
  Record<string, unknown>,
  unknown,
  unknown,
  Record<string, unknown>
>;

/** A subgraph's answer: `data` and `extensions` are JSON objects the caller narrows. */
export type SubgraphResult = ExecutionResult<Record<string, unknown>, Record<string, unknown>>;

/** Executes one operation against one subgraph. Wrapped in the pipeline, it never rejects. */
export type SubgraphExecutor = (request: SubgraphRequest) => Promise<SubgraphResult>;

/**
 * The executor as graphql-tools' stitching wants it. Its `Executor` is generic over the
 * variables type; a subgraph call takes any JSON variables, so the one cast lives here.
 */
export function toToolsExecutor(executor: SubgraphExecutor): Executor {
  return executor as Executor;
}

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

// A symbol-keyed property: a step that copies the request (`{ ...request, variables }`) keeps it,
// and nothing of it goes on the wire (bodies are built from named fields).
const KIND: unique symbol = Symbol('gatehouse.callKind');
type Marked = { [KIND]?: CallKind };

/** Marks `request` as a call of `kind`; returns it. */
export function withCallKind<T extends SubgraphRequest>(request: T, kind: CallKind): T {
  (request as T & Marked)[KIND] = kind;
  return request;
}

/** The kind of `request`, kept through copies made with spread. @default 'operation' */
export function callKind(request: SubgraphRequest): CallKind {
  return (request as SubgraphRequest & Marked)[KIND] ?? 'operation';
}

/** Applies `wrappers` so that the first in the list is the outermost. */
export function composeWrappers(
  wrappers: readonly ExecutorWrapper[],
  transport: SubgraphExecutor,
): SubgraphExecutor {
  return wrappers.reduceRight<SubgraphExecutor>((next, wrap) => wrap(next), transport);
}
