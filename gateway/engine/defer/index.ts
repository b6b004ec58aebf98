/**
 * `@defer` on the plan engine (stages: plan and response). The planner ignores `@defer` and
 * plans the whole operation once; this room runs that plan and answers with incremental
 * delivery (Yoga sends it as `multipart/mixed` or server-sent events):
 *
 * - the **initial payload** (`hasNext: true`) goes as soon as every fetch that brings one of its
 *   fields has merged (needed.ts): a deferred fragment served by its own fetch (the slow
 *   subgraph) does not hold it back. It is the projection of the operation without its
 *   deferred fragments, with the errors at its own paths;
 * - then each **deferred fragment** goes as soon as the fetches bringing its fields have merged
 *   (and the fragment it sits in has gone): an `incremental` entry per object it applies to,
 *   with the errors under it (payloads.ts). Fragments ready together share a payload; the last
 *   payload says `hasNext: false`.
 *
 * Every subgraph is called once, as without `@defer`, so all payloads come from one consistent
 * set of answers. When the client leaves, no further plan node starts.
 */
import type { PlanNode, QueryPlan } from '@graphql-hive/router-query-planner';
import type { ExecutionResult as IncrementalResult } from '@graphql-tools/utils';
import type { ExecutionResult, GraphQLError, GraphQLSchema } from 'graphql';
import type { ExecutedTree, PlanFetch } from '../contract.ts';
import { executePlan } from '../execute/index.ts';
import type { FragmentProjection, Projection } from '../project/index.ts';
import { Explanations } from '../project/violations.ts';
import { fetchGroups } from './needed.ts';
import { type Delivered, entriesOf } from './payloads.ts';
import { type DeferShape, PRIMARY } from './shape.ts';

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

/** Runs the plan once and yields the initial payload, then the deferred fragments as they are ready. */
export async function* runDeferred(run: DeferredRun): AsyncGenerator<IncrementalResult> {
  const { shape } = run;
  const feeds = fetchGroups(run.plan.node, shape, run.variables);
  // Per delivery, the fetches it still waits for.
  const pending = new Map<number, number>();
  for (const groups of feeds.values())
    for (const group of groups) pending.set(group, (pending.get(group) ?? 0) + 1);
  let wake: (() => void) | undefined;
  const changed = () => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  const stop = new AbortController();
  let tree: ExecutedTree = { data: {}, errors: [] };
  let done = false;
  const execution = executePlan({
    plan: run.plan,
    schema: run.schema,
    variables: run.variables,
    fetch: run.fetch,
    context: run.context,
    signal: stop.signal,
    onFetchDone(node: PlanNode, live: ExecutedTree) {
      tree = live;
      for (const group of feeds.get(node) ?? []) pending.set(group, (pending.get(group) ?? 1) - 1);
      changed();
    },
  }).then(
    (finished) => {
      tree = finished;
      done = true;
      changed();
    },
    (error: unknown) => {
      done = true;
      changed();
      throw error;
    },
  );
  // Should the client leave first, the execution still settles without a rejection left over.
  execution.catch(() => {});
  const ready = (group: number) => done || (pending.get(group) ?? 0) <= 0;
  const changes = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });

  try {
    while (!ready(PRIMARY)) await changes();
    if (done) await execution;
    const introspection = run.introspection ? await run.introspection : undefined;
    const live = tree;
    if (introspection?.data) live.data = Object.assign(live.data ?? {}, introspection.data);
    if (introspection?.errors) live.errors.push(...introspection.errors);

    const sent = new Set<GraphQLError>();
    for (const error of live.errors) if (shape.isPrimary(error.path ?? [])) sent.add(error);
    const initial = run.initial.project({ data: live.data ?? {}, errors: [...sent] }, run.variables);
    if (initial.data == null) {
      yield { ...initial, hasNext: false };
      return;
    }
    yield { ...initial, hasNext: true };

    const waiting = new Set(shape.fragments.keys());
    const delivered = new Map<number, Delivered[]>();
    while (waiting.size > 0) {
      // Ready fragments, parents first: a child may go in the same payload as its parent.
      const batch: number[] = [];
      for (const index of waiting) {
        const parent = shape.fragments[index]!.parent;
        const parentGone = parent === undefined || delivered.has(parent) || batch.includes(parent);
        if (parentGone && ready(index)) batch.push(index);
      }
      if (batch.length === 0) {
        await changes();
        if (done) await execution;
        continue;
      }
      const current = tree;
      const unsent = new Set(current.errors.filter((error) => !sent.has(error)));
      const { entries, delivered: now } = entriesOf(
        {
          shape,
          projections: run.fragments,
          schema: run.schema,
          tree: current.data ?? {},
          initial: initial.data,
          delivered,
          unsent,
          explanations: new Explanations(current.errors),
        },
        orderedByDepth(batch, shape),
      );
      for (const error of current.errors) if (!unsent.has(error)) sent.add(error);
      for (const index of batch) {
        waiting.delete(index);
        delivered.set(index, []);
      }
      for (const entry of now) delivered.get(entry.fragment)!.push(entry);
      if (entries.length === 0 && waiting.size > 0) continue;
      const payload: IncrementalResult = { hasNext: waiting.size > 0 };
      if (entries.length > 0) payload.incremental = entries;
      yield payload;
    }
  } finally {
    // The client left, or everything it asked for went: no further plan node starts.
    stop.abort();
  }
}

/** `batch` with each fragment after the fragment it sits in. */
function orderedByDepth(batch: readonly number[], shape: DeferShape): number[] {
  const depth = (index: number): number => {
    const parent = shape.fragments[index]!.parent;
    return parent === undefined ? 0 : 1 + depth(parent);
  };
  return [...batch].sort((a, b) => depth(a) - depth(b) || a - b);
}
