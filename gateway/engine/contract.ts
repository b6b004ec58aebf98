/**
 * The plan engine's internal contract (stage: plan). Three parts meet here:
 *
 * - the **plan executor** (`execute/`) runs a cached query plan of `@graphql-hive/router-query-planner`
 *   and returns an {@link ExecutedTree}: the subgraphs' JSON answers merged into one tree;
 * - the **projection** (`project/`) turns that tree into the client's result: its selection set,
 *   aliases, `__typename`, fragments on abstract types, `@skip`/`@include`, null propagation;
 * - the **engine room** (`index.ts`) plans (with a bounded cache), calls both, and plugs them
 *   into Yoga.
 *
 * The tree and the paths:
 * - The tree is plain JSON objects and arrays keyed by **response keys** (the client's aliases,
 *   as the planner writes them into each fetch), with each subgraph's `__typename` kept where a
 *   fetch selected it. Objects may have a null prototype (in-process backends answer with graphql-js).
 * - Every error's `path` is a path in the tree (response keys and list indexes), which is the path
 *   the client sees. An error from `_entities` (or a batch alias `_e0`) at `[alias, i, ...rest]`
 *   is moved to the location of representation `i` followed by `rest`.
 * - An error about a whole entity (a failed entity fetch, a path-less error, one at `[alias, i]`
 *   itself, an answer with no list) is recorded at each field the fetch asked of that entity
 *   (`[..., "topProducts", 0, "rating"]`), where the client sees the nulls it explains. Equal
 *   representations are sent once: an error of representation `i` is recorded at each location
 *   that produced it. A representation answered null with no error is "not found": no error of
 *   ours (nulls propagate through the projection).
 * - A root fetch's errors keep their paths; when it returned no data, its path-less errors are
 *   recorded at each of its root fields (`["topProducts"]`).
 * - Recorded errors are new `GraphQLError`s sharing the subgraph error's `extensions` object (so
 *   provenance and `serviceName` survive) and its `originalError`.
 * - The projection adds an error for a null at a non-null position (then nulls the nearest
 *   nullable parent) unless an existing error's path equals that position, starts with it, or is
 *   a prefix of it: an error at a field already explains the nulls under it.
 */
import type { ExecutionRequest, ExecutionResult } from '@graphql-tools/utils';
import type { GraphQLError } from 'graphql';

/**
 * Calls one subgraph through its pipeline (all three kinds of backend). Never rejects in practice
 * (a rejection is recorded as SUBGRAPH_UNAVAILABLE). The executor owns the result it gets: it
 * adopts the answer's objects into the tree and changes them in place (merges, output rewrites),
 * so a step that hands one result to several operations (a cache) must give each its own copy.
 */
export type PlanFetch = (serviceName: string, request: ExecutionRequest) => Promise<ExecutionResult>;

/** The subgraphs' answers merged into one tree, and every error at its client path. */
export interface ExecutedTree {
  /**
   * The merged answers; null when the operation failed as a whole: no fetch merged any data and
   * there are errors (e.g. the only root fetch failed). The tree may hold keys the client did not
   * select (`__typename`, key fields, the planner's `_internal_qp_alias_N` for required fields).
   */
  data: Record<string, unknown> | null;
  errors: GraphQLError[];
}
