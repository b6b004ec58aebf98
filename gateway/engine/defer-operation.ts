/**
 * An operation that uses `@defer`, on the plan engine (stage: plan): what is kept with its cached
 * plan (per outcome of the `@defer(if:)` variables: which fragments are deferred, and the
 * projection of the operation without them), and the switch to incremental delivery when a
 * request defers something (`defer/`).
 */
import type { QueryPlan } from '@graphql-hive/router-query-planner';
import type { ExecutionArgs, ExecutionResult } from 'graphql';
import {
  type DocumentNode,
  execute as executeWithGraphQLJs,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { PlanFetch } from './contract.ts';
import { type DeferShape, deferShape, deferVariables, runDeferred, usesDefer } from './defer/index.ts';
import { conditionsOf } from './project/conditions.ts';
import {
  compileFragmentProjection,
  compileProjection,
  type FragmentProjection,
  type Projection,
} from './project/index.ts';

/** What one outcome of the `@defer(if:)` variables needs; `undefined` when it defers nothing. */
type Variant =
  | { shape: DeferShape; initial: Projection; fragments: readonly FragmentProjection[] }
  | undefined;

export interface DeferPlans {
  variant(variables: Record<string, unknown>): Variant;
}

/**
 * Outcomes kept per operation (past it, an outcome is worked out for its request only). The
 * plan cache charges a deferring operation for them (operation.ts).
 */
export const MAX_DEFER_VARIANTS = 8;

/** The `@defer` plans of an operation; undefined when it has no `@defer`. */
export function deferPlans(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  operationName: string | undefined,
): DeferPlans | undefined {
  if (!usesDefer(document)) return undefined;
  const names = deferVariables(document);
  const conditions = conditionsOf(document);
  const variants = new Map<string, Variant>();
  const make = (variables: Record<string, unknown>): Variant => {
    const shape = deferShape(schema, document, operation, variables);
    if (shape === undefined) return undefined;
    return {
      shape,
      initial: compileProjection(schema, shape.primaryDocument, operationName),
      // Fragment spreads are read from the operation without its deferred fragments, so a
      // fragment deferred inside another is left to its own entry.
      fragments: shape.fragments.map((fragment) =>
        compileFragmentProjection(schema, shape.primaryDocument, fragment.selection, variables, document),
      ),
    };
  };
  return {
    variant(variables) {
      // What the variables decide: which fragments are deferred, which selections are included.
      const key = `${names.map((name) => (variables[name] === false ? '0' : '1')).join('')}|${conditions.keyOf(variables)}`;
      if (variants.has(key)) return variants.get(key);
      const made = make(variables);
      if (variants.size < MAX_DEFER_VARIANTS) variants.set(key, made);
      return made;
    },
  };
}

export interface DeferredOperation {
  plan: QueryPlan;
  schema: GraphQLSchema;
  fetch: PlanFetch;
  plans: DeferPlans;
  variables: Record<string, unknown>;
  context: object;
  args: ExecutionArgs;
  /** The root introspection fields answered beside the plan, if any. */
  introspection: DocumentNode | undefined;
}

/** Incremental delivery of the operation for this request; undefined when it defers nothing. */
export function runDeferredOperation(operation: DeferredOperation): AsyncGenerator | undefined {
  const variant = operation.plans.variant(operation.variables);
  if (variant === undefined) return undefined;
  return runDeferred({
    plan: operation.plan,
    schema: operation.schema,
    variables: operation.variables,
    fetch: operation.fetch,
    context: operation.context,
    shape: variant.shape,
    initial: variant.initial,
    fragments: variant.fragments,
    introspection: operation.introspection
      ? (executeWithGraphQLJs({
          ...operation.args,
          document: operation.introspection,
        }) as Promise<ExecutionResult>)
      : undefined,
  });
}
