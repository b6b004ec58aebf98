/**
 * `@defer` on the plan engine (stages: plan and response). The planner ignores `@defer` and
 * plans the whole operation once; this room runs that plan and answers with incremental
 * delivery (Yoga sends it as `multipart/mixed` or server-sent events):
 *
 * - the **initial payload** (`hasNext: true`) goes as soon as every fetch that brings a field
 *   outside the deferred fragments has merged (needed.ts): a deferred fragment served by its own
 *   entity fetch (the slow subgraph) no longer holds the rest back. It is the projection of the
 *   operation without its deferred fragments, with the errors at its own paths;
 * - one **subsequent payload** (`hasNext: false`) once the whole plan has run: an `incremental`
 *   entry per instance of each deferred fragment, with the errors under it (payloads.ts); an
 *   error that belongs to no entry (one of the initial payload's fields that came late) is in
 *   that payload's `errors`.
 *
 * Every subgraph is called once, as without `@defer`, so both payloads come from one consistent
 * set of answers.
 */
import type { PlanNode, QueryPlan } from '@graphql-hive/router-query-planner';
import type { ExecutionResult as IncrementalResult } from '@graphql-tools/utils';
import type { ExecutionResult, GraphQLError, GraphQLSchema } from 'graphql';
import type { ExecutedTree, PlanFetch } from '../contract.ts';
import { executePlan } from '../execute/index.ts';
import type { FragmentProjection, Projection } from '../project/index.ts';
import { primaryFetches } from './needed.ts';
import { incrementalEntries } from './payloads.ts';
import type { DeferShape } from './shape.ts';

export type { DeferShape } from './shape.ts';
export { deferShape, deferVariables, usesDefer } from './shape.ts';

export interface DeferredRun {
  plan: QueryPlan;
  schema: GraphQLSchema;
  variables: Record<string, unknown>;
  fetch: PlanFetch;
  context: object;
  shape: DeferShape;
  /** The projection of `shape.primaryDocument`. */
  initial: Projection;
  /** The projection of each of `shape.fragments`, in the same order. */
  fragments: readonly FragmentProjection[];
  /** Root introspection fields answered beside the plan, merged before the initial payload. */
  introspection: Promise<ExecutionResult> | undefined;
}

/** Runs the plan once and yields the initial payload, then the deferred fragments. */
export async function* runDeferred(run: DeferredRun): AsyncGenerator<IncrementalResult> {
  const waiting = primaryFetches(run.plan.node, run.shape, run.variables);
  let release: (tree: ExecutedTree) => void = () => {};
  const ready = new Promise<ExecutedTree>((resolve) => {
    release = resolve;
  });
  const execution = executePlan({
    plan: run.plan,
    schema: run.schema,
    variables: run.variables,
    fetch: run.fetch,
    context: run.context,
    onFetchDone(node: PlanNode, tree: ExecutedTree) {
      if (waiting.delete(node) && waiting.size === 0) release(tree);
    },
  });
  // Nothing the initial payload needs is fetched (every root field deferred): it goes at once.
  if (waiting.size === 0) release({ data: {}, errors: [] });
  // A waited-for fetch that never reported (a plan node the executor refused): the end releases.
  const finished = execution.then((tree) => {
    release(tree);
    return tree;
  });
  // Should the client leave before the end, the execution still settles without a rejection left.
  finished.catch(() => {});

  const live = await Promise.race([ready, finished]);
  const introspection = run.introspection ? await run.introspection : undefined;
  if (introspection?.data) live.data = Object.assign(live.data ?? {}, introspection.data);
  if (introspection?.errors) live.errors.push(...introspection.errors);

  const sent = new Set<GraphQLError>();
  for (const error of live.errors) if (run.shape.isPrimary(error.path ?? [])) sent.add(error);
  const empty = live.data === null || Object.keys(live.data).length === 0;
  const initial = run.initial.project(
    { data: empty && sent.size > 0 ? null : (live.data ?? {}), errors: [...sent] },
    run.variables,
  );
  if (initial.data === null) {
    yield { ...initial, hasNext: false };
    return;
  }
  yield { ...initial, hasNext: true };

  const tree = await finished;
  const { entries, unplaced } = incrementalEntries({
    shape: run.shape,
    projections: run.fragments,
    schema: run.schema,
    tree: tree.data,
    initial: initial.data,
    unsent: tree.errors.filter((error) => !sent.has(error)),
  });
  const last: IncrementalResult = { hasNext: false };
  if (entries.length > 0) last.incremental = entries;
  if (unplaced.length > 0) last.errors = unplaced;
  yield last;
}
