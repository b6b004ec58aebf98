/**
 * The projection (stage: plan): from the executed tree to the client's result, without
 * graphql-js execution. `compileProjection` runs once per cached operation; `project` once per
 * request, walking the tree by a compiled plan (see `contract.ts` for the tree and its paths).
 *
 * The result holds the client's selection only, in its order, aliases honoured; `__typename`
 * comes from the tree for abstract types and from the schema for object types; a null at a
 * non-null position nulls the nearest nullable parent (up to `data: null`) and adds an error,
 * unless an error of the tree already explains it; a value of the wrong shape is an error
 * (RESULT_SHAPE_INVALID) at its path.
 */
import {
  type DocumentNode,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  isAbstractType,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import { gatewayError } from '../../../core/errors.ts';
import type { ExecutedTree } from '../contract.ts';
import type { CollectContext } from './collect.ts';
import { compileObject, compileShared } from './compile.ts';
import { conditionsOf } from './conditions.ts';
import { BUBBLE, type ObjectPlan, type Walk } from './plan.ts';
import { Explanations } from './violations.ts';

export interface Projection {
  /** The client's result from `tree`; `variables` are the request's coerced variables. */
  project(tree: ExecutedTree, variables: Record<string, unknown>): ExecutionResult;
}

/**
 * Plans kept per outcome of the `@skip`/`@include` variables: one per outcome a client sends,
 * up to this many (past it, an outcome not kept is compiled for its request and dropped).
 */
const MAX_VARIANTS = 16;

/** Compiles `operationName` of `document` against the public `schema`. */
export function compileProjection(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
): Projection {
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    const message = operationName
      ? `Unknown operation named "${operationName}".`
      : 'Must provide operation name.';
    throw gatewayError('BAD_USER_INPUT', message);
  }
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) {
    throw gatewayError('BAD_USER_INPUT', `The schema has no ${operation.operation} type.`);
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const conditions = conditionsOf(document);
  const variants = new Map<number | string, ObjectPlan>();

  const compileFor = (variables: Record<string, unknown>): ObjectPlan => {
    const context: CollectContext = {
      schema,
      fragments,
      variables: onlyConditions(variables, conditions.variables),
    };
    return compileObject(context, rootType, [operation.selectionSet], true);
  };
  const planFor = (variables: Record<string, unknown>): ObjectPlan => {
    const key = conditions.keyOf(variables);
    let plan = variants.get(key);
    if (plan === undefined) {
      plan = compileFor(variables);
      if (variants.size < MAX_VARIANTS) variants.set(key, plan);
    }
    return plan;
  };
  // The common case (no variable condition) is compiled now, off the first request's path.
  if (conditions.variables.length === 0) planFor({});

  return {
    project(tree, variables) {
      if (tree.data === null)
        return { data: null, errors: tree.errors.length > 0 ? tree.errors : [noData()] };
      const walk: Walk = {
        path: [],
        errors: tree.errors.slice(),
        explanations: new Explanations(tree.errors),
      };
      const data = planFor(variables).run(tree.data, walk);
      const result: ExecutionResult = { data: data === BUBBLE ? null : (data as Record<string, unknown>) };
      if (walk.errors.length > 0) result.errors = walk.errors;
      return result;
    },
  };
}

/** One selection set projected on one object of the tree (a deferred fragment's entry). */
export interface FragmentProjection {
  /**
   * The result for the object at `path` of type `typename`: its fields, or null when a non-null
   * one is null (the null stops at the fragment); `errors` are the tree's this entry reports,
   * then the projection's own. `typename` may be abstract (the runtime type unknown). Undefined
   * when it is no composite type of the schema, or abstract and the selection depends on the
   * runtime type.
   */
  project(
    object: Record<string, unknown>,
    typename: string,
    path: ReadonlyArray<string | number>,
    errors: readonly GraphQLError[],
    explanations: Walk['explanations'],
  ): { data: Record<string, unknown> | null; errors: GraphQLError[] } | undefined;
}

/**
 * Compiles `selectionSet` (its fragment spreads read from `fragmentsDocument`) for the objects
 * it will meet, on first use; `@skip`/`@include` are settled on `variables` (the variables they
 * use are read from `conditionsDocument`, the operation as the client sent it).
 */
export function compileFragmentProjection(
  schema: GraphQLSchema,
  fragmentsDocument: DocumentNode,
  selectionSet: SelectionSetNode,
  variables: Record<string, unknown>,
  conditionsDocument: DocumentNode,
): FragmentProjection {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of fragmentsDocument.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const context: CollectContext = {
    schema,
    fragments,
    variables: onlyConditions(variables, conditionsOf(conditionsDocument).variables),
  };
  // null: an abstract type the selection depends on the runtime type of.
  const plans = new Map<string, ObjectPlan | null>();
  return {
    project(object, typename, path, errors, explanations) {
      let plan = plans.get(typename);
      if (plan === undefined) {
        const type = schema.getType(typename);
        if (isObjectType(type)) plan = compileObject(context, type, [selectionSet], false);
        else if (isAbstractType(type)) plan = compileShared(context, type, [selectionSet]) ?? null;
        else return undefined;
        plans.set(typename, plan);
      }
      if (plan === null) return undefined;
      const walk: Walk = { path: [...path], errors: errors.slice(), explanations };
      const data = plan.run(object, walk);
      return { data: data === BUBBLE ? null : (data as Record<string, unknown>), errors: walk.errors };
    },
  };
}

/**
 * The compiled plan must depend on the condition variables only (a cached plan serves every
 * request with the same outcome); keeping only them makes that hold by construction.
 */
function onlyConditions(
  variables: Record<string, unknown>,
  names: readonly string[],
): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const name of names) kept[name] = variables[name] === true;
  return kept;
}

function noData() {
  return gatewayError('RESULT_SHAPE_INVALID', 'the operation has no result and no error saying why');
}
