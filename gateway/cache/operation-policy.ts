/**
 * The cache policy of an operation, from the operation and the schema alone (Apollo's rules for
 * `@cacheControl`, applied to every field the operation may select):
 *
 * - a field's policy is its return type's hint (objects, interfaces, unions), overridden by the
 *   field's own; a field with `inheritMaxAge` (or returning a type with it) sets no maxAge of its
 *   own, only its scope;
 * - a root field, or a field returning an object, interface or union, that ends up with no maxAge
 *   gets `defaultMaxAge` (0 by default: the operation is not cacheable); other fields (scalars,
 *   enums) set none, so they live as long as their parent;
 * - the operation's policy is the smallest maxAge of its fields, `PRIVATE` when any is.
 *
 * Every field is counted whatever `@include` / `@skip` say (the policy is never laxer than the
 * answer's); a field selected on an interface counts the policy of each type that implements it
 * and the interface field's own; a field returning an interface or union takes the strictest of
 * its hint and those of the types it may be. Mutations and subscriptions are never cacheable. The walk stops as soon as the maxAge
 * reaches 0, and an operation too large to walk (fragments expanded) is not cacheable.
 */
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  getOperationAST,
  isAbstractType,
  isCompositeType,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import { type CacheHint, type CachePolicyIndex, strictest } from './policy-index.ts';

export type CacheScope = 'PUBLIC' | 'PRIVATE';

/** What an operation's answer may be cached for: `maxAge` 0 means not at all. */
export interface CachePolicy {
  readonly maxAge: number;
  readonly scope: CacheScope;
}

export const NOT_CACHEABLE: CachePolicy = Object.freeze({ maxAge: 0, scope: 'PUBLIC' });

/** Fields visited (fragments expanded) before an operation is taken as not cacheable. */
const MAX_VISITED = 50_000;

export function operationPolicy(
  schema: GraphQLSchema,
  index: CachePolicyIndex,
  defaultMaxAge: number,
  document: DocumentNode,
  operationName: string | undefined,
  options: { strict?: boolean } = {},
): CachePolicy {
  const operation = getOperationAST(document, operationName);
  if (operation === null || operation === undefined || operation.operation !== 'query') return NOT_CACHEABLE;
  const root = schema.getQueryType();
  if (root === null || root === undefined) return NOT_CACHEABLE;
  const walker = policyWalker(schema, index, defaultMaxAge, fragmentsOf(document), options.strict === true);
  return walker.run(() => walker.walk(operation.selectionSet, root, true));
}

/**
 * The policy of entities of `typeName` fetched with `selectionSet` (an `_entities` call's
 * fragment on that type): its type's hint when it sets a maxAge, which the fields selected without
 * a hint of their own take; without one, each field selected on the entity is a root field (its
 * own hint, else `defaultMaxAge`). Then every field below, by the rules of operations. `strict`: always (a field the schema in
 * service does not know, as a subgraph may select, makes it not cacheable).
 */
export function entityPolicy(
  schema: GraphQLSchema,
  index: CachePolicyIndex,
  defaultMaxAge: number,
  typeName: string,
  selectionSet: SelectionSetNode,
  document: DocumentNode,
): CachePolicy {
  const type = schema.getType(typeName);
  if (type === undefined || !isObjectType(type)) return NOT_CACHEABLE;
  const walker = policyWalker(schema, index, defaultMaxAge, fragmentsOf(document), true);
  return walker.run(() => {
    // With a maxAge on its type, the entity's fields without their own live as long; without,
    // each is a root field: its own hint, else `defaultMaxAge`.
    const typed = walker.entity(type);
    walker.walk(selectionSet, type, !typed);
  });
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  return fragments;
}

/** Unknown fields (`strict`) or too many: not cacheable. */
class NotCacheable extends Error {}

function policyWalker(
  schema: GraphQLSchema,
  index: CachePolicyIndex,
  defaultMaxAge: number,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  strict: boolean,
) {
  let maxAge = Number.POSITIVE_INFINITY;
  let scope: CacheScope = 'PUBLIC';
  let visited = 0;

  /** Hints of defined ones, the strictest; undefined when none. */
  const strictestOf = (hints: readonly (CacheHint | undefined)[]): CacheHint | undefined => {
    let result: CacheHint | undefined;
    for (const hint of hints)
      if (hint !== undefined) result = result === undefined ? hint : strictest(result, hint);
    return result;
  };
  /** A returned type's hint: an interface's or union's folded with every type it may be. */
  const typeHints = new Map<string, CacheHint | undefined>();
  const typeHintOf = (type: GraphQLNamedType): CacheHint | undefined => {
    if (typeHints.has(type.name)) return typeHints.get(type.name);
    const own = index.types.get(type.name);
    const hint = isAbstractType(type)
      ? strictestOf([own, ...schema.getPossibleTypes(type).map((t) => index.types.get(t.name))])
      : own;
    typeHints.set(type.name, hint);
    return hint;
  };

  const fieldPolicy = (
    parent: GraphQLObjectType,
    via: GraphQLNamedType,
    field: GraphQLField<unknown, unknown>,
    isRoot: boolean,
  ) => {
    const target = getNamedType(field.type);
    let own: { maxAge?: number; scope?: CacheScope } = {};
    let inherit = false;
    if (isCompositeType(target)) {
      const typeHint = typeHintOf(target);
      if (typeHint !== undefined) {
        own = replaced(own, typeHint);
        inherit = typeHint.inheritMaxAge === true;
      }
    }
    // Selected on an interface: its field's hint counts with the implementation's.
    const fieldHint = strictestOf([
      index.fields.get(`${parent.name}.${field.name}`),
      via === parent ? undefined : index.fields.get(`${via.name}.${field.name}`),
    ]);
    if (fieldHint?.inheritMaxAge === true && own.maxAge === undefined) {
      inherit = true;
      if (fieldHint.scope !== undefined) own = { ...own, scope: fieldHint.scope };
    } else if (fieldHint !== undefined) own = replaced(own, fieldHint);
    if (own.maxAge === undefined && ((isCompositeType(target) && !inherit) || isRoot))
      own = { ...own, maxAge: defaultMaxAge };
    if (own.maxAge !== undefined) maxAge = Math.min(maxAge, own.maxAge);
    if (own.scope === 'PRIVATE') scope = 'PRIVATE';
  };

  const walk = (selectionSet: SelectionSetNode, parentType: GraphQLNamedType, isRoot: boolean): void => {
    for (const selection of selectionSet.selections) {
      if (maxAge <= 0) return;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name === '__typename') continue;
        if (++visited > MAX_VISITED) throw new NotCacheable();
        const parents = isAbstractType(parentType)
          ? schema.getPossibleTypes(parentType)
          : isObjectType(parentType)
            ? [parentType]
            : [];
        const children = new Set<GraphQLNamedType>();
        for (const parent of parents) {
          const field =
            name === '__schema' || name === '__type'
              ? undefined
              : (parent.getFields()[name] as GraphQLField<unknown, unknown> | undefined);
          if (field === undefined) {
            if (strict) throw new NotCacheable();
            // Introspection (`__schema`, `__type`: root fields) lives by the default.
            if (isRoot) maxAge = Math.min(maxAge, defaultMaxAge);
            continue;
          }
          fieldPolicy(parent, parentType, field, isRoot);
          if (selection.selectionSet !== undefined) children.add(getNamedType(field.type));
        }
        for (const child of children) walk(selection.selectionSet!, child, false);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : parentType;
        if (type !== undefined && type !== null) walk(selection.selectionSet, type, isRoot);
        else if (strict) throw new NotCacheable();
      } else {
        const fragment = fragments.get(selection.name.value);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment !== undefined && type !== undefined && type !== null)
          walk(fragment.selectionSet, type, isRoot);
        else if (strict) throw new NotCacheable();
      }
    }
  };

  return {
    walk,
    /** Applies the hint of an entity's type; answers whether it sets a maxAge. */
    entity(type: GraphQLObjectType): boolean {
      const hint = typeHintOf(type);
      if (hint?.maxAge !== undefined) maxAge = Math.min(maxAge, hint.maxAge);
      if (hint?.scope === 'PRIVATE') scope = 'PRIVATE';
      return hint?.maxAge !== undefined;
    },
    /** The policy after `body` walked what it walks. */
    run(body: () => void): CachePolicy {
      try {
        body();
      } catch (error) {
        if (error instanceof NotCacheable) return NOT_CACHEABLE;
        throw error;
      }
      if (!Number.isFinite(maxAge) || maxAge <= 0) return NOT_CACHEABLE;
      return { maxAge, scope };
    },
  };
}

/** `policy` with what `hint` sets replacing it (scope and maxAge, each when set). */
function replaced(policy: { maxAge?: number; scope?: CacheScope }, hint: CacheHint) {
  return {
    ...policy,
    ...(hint.maxAge !== undefined && { maxAge: hint.maxAge }),
    ...(hint.scope !== undefined && { scope: hint.scope }),
  };
}
