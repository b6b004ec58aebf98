/**
 * The plan executor (stage: plan): runs a cached query plan of the Hive planner on JSON and
 * returns the subgraphs' answers merged into one tree, every error at its client path (see
 * `../contract.ts`). No graphql-js resolvers run: the walk below visits each plan node once,
 * fetches go through `fetch` (the subgraph pipeline), answers are merged in place.
 *
 * Sequence runs its nodes in order, Parallel at once, Condition by its variable's value; a Defer
 * node (the planner writes none today) runs its primary part, then its deferred parts; a
 * Subscription is answered OPERATION_NOT_SUPPORTED. Incremental delivery of `@defer` is
 * `../defer/`'s: it watches the fetches through `onFetchDone`. Nothing is kept across
 * nodes but the tree: an entity fetched before a mutation's next root field is fetched again.
 */
import type { PlanNode, QueryPlan } from '@graphql-hive/router-query-planner';
import type { GraphQLSchema } from 'graphql';
import { gatewayError } from '../../../core/errors.ts';
import type { ExecutedTree, PlanFetch } from '../contract.ts';
import { runBatchFetch, runFlatten } from './entity-fetch.ts';
import { runRootFetch } from './root-fetch.ts';
import type { RunState } from './state.ts';
import { typeOracle } from './types.ts';

export interface ExecutePlanInput {
  plan: QueryPlan;
  /** The client-facing schema (type conditions on abstract types are read from it). */
  schema: GraphQLSchema;
  /** The operation's coerced variables. */
  variables: Record<string, unknown>;
  fetch: PlanFetch;
  /** The operation's context, passed on each subgraph request. */
  context: object;
  /**
   * Told when each fetch node (`Fetch`, `Flatten`, `BatchFetch`) has merged its answer into
   * `tree`, which it can read then (the `@defer` delivery sends the initial payload from it).
   */
  onFetchDone?: (node: PlanNode, tree: ExecutedTree) => void;
  /** Once aborted, no further plan node starts (those running finish). */
  signal?: AbortSignal;
}

/** Runs `plan`: the merged tree, partial when some fetches failed, and every error at its path. */
export async function executePlan(input: ExecutePlanInput): Promise<ExecutedTree> {
  const state: RunState = {
    tree: {},
    errors: [],
    variables: input.variables,
    fetch: input.fetch,
    context: input.context,
    types: typeOracle(input.schema),
    signal: input.signal,
  };
  const { onFetchDone } = input;
  if (onFetchDone) {
    const live: ExecutedTree = { data: state.tree, errors: state.errors };
    state.onFetchDone = (node) => onFetchDone(node, live);
  }
  if (input.plan.node) await run(state, input.plan.node);
  // Even when every fetch failed: the projection nulls each root field at its error (and the
  // whole data only when one of them is non-null), as graphql-js would.
  return { data: state.tree, errors: state.errors };
}

function run(state: RunState, node: PlanNode): Promise<void> | undefined {
  if (state.signal?.aborted) return undefined;
  switch (node.kind) {
    case 'Fetch':
      return done(state, node, runRootFetch(state, node));
    case 'Flatten':
      if (node.node.kind === 'Fetch') return done(state, node, runFlatten(state, node, node.node));
      return unsupported(state, `a Flatten over a ${node.node.kind} node`);
    case 'BatchFetch':
      return done(state, node, runBatchFetch(state, node));
    case 'Sequence':
      return runSequence(state, node.nodes);
    case 'Parallel':
      return runParallel(state, node.nodes);
    case 'Condition': {
      const branch = state.variables[node.condition] === true ? node.ifClause : node.elseClause;
      return branch ? run(state, branch) : undefined;
    }
    case 'Defer':
      return runDefer(state, node);
    case 'Subscription':
      state.errors.push(
        gatewayError('OPERATION_NOT_SUPPORTED', 'subscriptions are not supported by the plan engine'),
      );
      return undefined;
    default:
      return unsupported(state, `a ${(node as { kind: string }).kind} node`);
  }
}

/** The fetch's promise, followed by telling `onFetchDone` (when someone listens). */
function done(state: RunState, node: PlanNode, running: Promise<void>): Promise<void> {
  const listener = state.onFetchDone;
  if (listener === undefined) return running;
  return running.finally(() => listener(node));
}

async function runSequence(state: RunState, nodes: readonly PlanNode[]): Promise<void> {
  for (const node of nodes) await run(state, node);
}

async function runParallel(state: RunState, nodes: readonly PlanNode[]): Promise<void> {
  const pending: Promise<void>[] = [];
  for (const node of nodes) {
    const running = run(state, node);
    if (running) pending.push(running);
  }
  await Promise.all(pending);
}

async function runDefer(state: RunState, node: Extract<PlanNode, { kind: 'Defer' }>): Promise<void> {
  if (node.primary.node) await run(state, node.primary.node);
  const deferred: PlanNode[] = [];
  for (const part of node.deferred) if (part.node) deferred.push(part.node);
  await runParallel(state, deferred);
}

function unsupported(state: RunState, what: string): undefined {
  state.errors.push(gatewayError('QUERY_PLAN_FAILED', `the plan executor cannot run ${what}`));
  return undefined;
}
