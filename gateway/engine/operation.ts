/**
 * One operation on the plan engine (stage: plan): find or make its prepared plan, coerce its
 * variables, run the plan's fetches through the subgraph pipeline, answer root introspection
 * with graphql-js, and project the client's result from the merged tree.
 */
import type { QueryPlan, QueryPlanner } from '@graphql-hive/router-query-planner';
import type { ExecutionRequest, ExecutionResult as ToolsResult } from '@graphql-tools/utils';
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  execute as executeWithGraphQLJs,
  type GraphQLError,
  getOperationAST,
  getVariableValues,
  type OperationDefinitionNode,
  print,
} from 'graphql';
import { copyError, gatewayError } from '../../core/errors.ts';
import type { SubgraphExecutor } from '../../core/subgraph-call.ts';
import type { Logger } from '../logger/index.ts';
import type { ServedSchema } from '../supergraph/index.ts';
import type { PlanFetch } from './contract.ts';
import { type DeferPlans, deferPlans, MAX_DEFER_VARIANTS, runDeferredOperation } from './defer-operation.ts';
import { executePlan } from './execute/index.ts';
import { type OperationRoute, routeOperation } from './introspection.ts';
import { planOperation } from './mutation-split.ts';
import { overrideBucket } from './override.ts';
import type { PlanCache } from './plan-cache.ts';
import { compileProjection, type Projection } from './project/index.ts';

/** What is cached per operation: how it runs and, when planned, its plan and projection. */
export type Prepared =
  | { route: 'introspection' }
  | { route: 'stitching' }
  | {
      route: 'plan';
      plan: QueryPlan;
      projection: Projection;
      introspection?: DocumentNode;
      /** Present when the operation uses `@defer` (defer-operation.ts). */
      defer?: DeferPlans;
    }
  | { route: 'error'; error: GraphQLError };

/** The engine's state for one schema in service. */
export interface PlanState {
  served: ServedSchema;
  planner: QueryPlanner;
  /** By the operation's text: plans survive a client sending the same text as a new document. */
  cache: PlanCache<Prepared>;
  /** By document object (Yoga's parser cache hands out one per text): its cache key, printed once. */
  byDocument: WeakMap<DocumentNode, Map<string, string>>;
  fetch: PlanFetch;
  logger: Logger;
  /** The supergraph's `percent(x)` override percentages, ascending (override.ts); often none. */
  percentages: readonly number[];
  /** The flag labels of progressive overrides that are turned on. */
  labels: ReadonlySet<string>;
  /** Operations being planned, by cache key: concurrent requests for one wait for one plan. */
  planning: Map<string, Promise<Prepared>>;
  /** Most time one operation's planning may take (ms); past it the operation is refused. */
  planTimeout: number;
  /** Told of each operation's plan once found or made (EngineOptions.onPlan). */
  onPlan?: PlanObserver;
}

/** What an observer of planning learns of one operation (stage: plan). */
export interface PlanEvent {
  /** The operation's context (Yoga's: `request` is the client's request). */
  context: unknown;
  /** When the lookup began, in ms since the epoch (`performance.timeOrigin + performance.now()`). */
  startTime: number;
  /** Found in the plan cache at once: neither planned nor waited for. */
  cached: boolean;
  /** How the operation runs: on its plan, on graphql-js (introspection), stitching, or refused. */
  route: Prepared['route'];
  /** The catalogue code of a refusal (`route: 'error'`). */
  code?: string;
}

/** Called once per operation on the plan engine, once its plan is known. */
export type PlanObserver = (event: PlanEvent) => void;

type Execute = (args: ExecutionArgs) => unknown;

/** Runs one operation on the plan engine; `fallback` (Yoga's execute) runs what the plan engine does not. */
export async function runOperation(
  state: PlanState,
  args: ExecutionArgs,
  fallback: Execute,
): Promise<unknown> {
  const operation = getOperationAST(args.document, args.operationName);
  // Unknown operation names, subscriptions and operations of a type the schema lacks are the
  // stitching engine's: it answers them the graphql-js way, with a code.
  if (!operation || operation.operation === 'subscription' || !args.schema.getRootType(operation.operation))
    return fallback(args);
  const bucket = state.percentages.length === 0 ? 0 : overrideBucket(state.percentages, Math.random() * 100);
  const startTime = state.onPlan && performance.timeOrigin + performance.now();
  const made = prepare(state, args.document, args.operationName ?? undefined, operation, bucket);
  const prepared = made instanceof Promise ? await made : made;
  if (state.onPlan) {
    const code = prepared.route === 'error' ? prepared.error.extensions.code : undefined;
    state.onPlan({
      context: args.contextValue,
      startTime: startTime as number,
      cached: !(made instanceof Promise),
      route: prepared.route,
      code: typeof code === 'string' ? code : undefined,
    });
  }
  if (prepared.route === 'stitching') return fallback(args);
  if (prepared.route === 'introspection') return executeWithGraphQLJs(args);
  if (prepared.route === 'error') return { errors: [copyError(prepared.error)] };

  const variables = coerceVariables(state.served, operation, args.variableValues);
  if ('errors' in variables) return { errors: variables.errors };
  const context = (args.contextValue ?? {}) as object;
  if (prepared.defer) {
    const deferred = runDeferredOperation({
      plan: prepared.plan,
      schema: state.served.schema,
      fetch: state.fetch,
      plans: prepared.defer,
      variables: variables.coerced,
      context,
      args,
      introspection: prepared.introspection,
    });
    if (deferred) return deferred;
  }
  const [tree, introspection] = await Promise.all([
    executePlan({
      plan: prepared.plan,
      schema: state.served.schema,
      variables: variables.coerced,
      fetch: state.fetch,
      context,
    }),
    prepared.introspection
      ? (executeWithGraphQLJs({ ...args, document: prepared.introspection }) as Promise<ExecutionResult>)
      : undefined,
  ]);
  if (introspection) {
    if (introspection.data) tree.data = Object.assign(tree.data ?? {}, introspection.data);
    if (introspection.errors) tree.errors.push(...introspection.errors);
  }
  return prepared.projection.project(tree, variables.coerced);
}

function coerceVariables(
  served: ServedSchema,
  operation: OperationDefinitionNode,
  inputs: ExecutionArgs['variableValues'],
): { coerced: Record<string, unknown> } | { errors: readonly GraphQLError[] } {
  const definitions = operation.variableDefinitions ?? [];
  if (definitions.length === 0) return { coerced: {} };
  const result = getVariableValues(served.schema, definitions, inputs ?? {}, { maxErrors: 50 });
  return result.errors ? { errors: result.errors } : { coerced: result.coerced };
}

function prepare(
  state: PlanState,
  document: DocumentNode,
  operationName: string | undefined,
  operation: OperationDefinitionNode,
  bucket: number,
): Prepared | Promise<Prepared> {
  const name = bucket === 0 ? (operationName ?? '') : `${operationName ?? ''}\n${bucket}`;
  let byName = state.byDocument.get(document);
  // The document remembers its key, not its plan: what the LRU evicts is gone (memory stays
  // bounded by `planCache`), and a hit on a known document costs no printing.
  const known = byName?.get(name);
  if (known !== undefined) {
    const hit = state.cache.get(known);
    if (hit !== undefined) return hit;
  }
  const key = known ?? `${name}\n${print(document)}`;
  if (byName === undefined) {
    byName = new Map();
    state.byDocument.set(document, byName);
  }
  byName.set(name, key);
  const prepared = state.cache.get(key);
  if (prepared !== undefined) return prepared;
  let planning = state.planning.get(key);
  if (planning === undefined) {
    planning = makePrepared(state, document, operationName, operation, bucket).then(
      (made) => {
        state.planning.delete(key);
        if (made.cache) state.cache.set(key, made.prepared, key.length * 2 + made.size);
        return made.prepared;
      },
      (error: unknown) => {
        state.planning.delete(key);
        throw error;
      },
    );
    state.planning.set(key, planning);
  }
  return planning;
}

/**
 * Plans on the planner's own threads (libuv's pool, not the event loop: a large operation does
 * not stall the other clients), within `planTimeout`. A refusal for time is not cached (the
 * machine may have been busy); any other planning error is.
 */
async function makePrepared(
  state: PlanState,
  document: DocumentNode,
  operationName: string | undefined,
  operation: OperationDefinitionNode,
  bucket: number,
): Promise<{ prepared: Prepared; size: number; cache: boolean }> {
  const route: OperationRoute = routeOperation(document, operation);
  if (route.kind === 'introspection') return { prepared: { route: 'introspection' }, size: 64, cache: true };
  if (route.kind === 'stitching') return { prepared: { route: 'stitching' }, size: 64, cache: true };
  const signal = AbortSignal.timeout(state.planTimeout);
  try {
    const plan = await planOperation(route.planned, operation, (text) =>
      state.planner.planAsync(text, operationName, state.labels as Set<string>, bucket, signal),
    );
    const projection = compileProjection(state.served.schema, document, operationName);
    // The plan's JSON size stands for its size in memory (within a small factor); the projection
    // grows with the same document.
    const size = JSON.stringify(plan).length * 3;
    const defer = deferPlans(state.served.schema, document, operation, operationName);
    return {
      prepared: { route: 'plan', plan, projection, introspection: route.introspection, defer },
      // Each kept `@defer` variant holds a document and projections about the plan's size.
      size: defer ? size * (1 + MAX_DEFER_VARIANTS) : size,
      cache: true,
    };
  } catch (cause) {
    if (signal.aborted) {
      const error = gatewayError(
        'OPERATION_LIMIT_EXCEEDED',
        `the operation could not be planned within planTimeout (${state.planTimeout} ms); make it smaller`,
      );
      return { prepared: { route: 'error', error }, size: 64, cache: false };
    }
    state.logger.error('the query planner could not plan an operation', {
      error: cause,
      operationName,
    });
    const error = gatewayError('QUERY_PLAN_FAILED', 'the gateway could not plan this operation', { cause });
    return { prepared: { route: 'error', error }, size: 64, cache: true };
  }
}

/** The fetch the executor calls: each subgraph's executor in service, by the planner's name for it. */
export function fetchThrough(executors: ReadonlyMap<string, SubgraphExecutor>): PlanFetch {
  return (serviceName: string, request: ExecutionRequest): Promise<ToolsResult> => {
    const executor = executors.get(serviceName) ?? executors.get(serviceName.toLowerCase());
    if (executor === undefined) {
      return Promise.resolve({
        errors: [
          gatewayError(
            'SUBGRAPH_NOT_LOADED',
            `subgraph "${serviceName}" is not part of the schema in service`,
            {
              serviceName,
            },
          ),
        ],
      });
    }
    return executor(request);
  };
}
