/**
 * CollectFields of the GraphQL spec (stage: plan): the fields of a selection for one runtime
 * object type, grouped by response key in the order the client wrote them, fragments spread and
 * inlined where their type condition applies, `@skip`/`@include` applied. Also for an object of
 * an abstract type whose runtime type is not known, when the fields do not depend on it.
 */
import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLAbstractType,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLSchema,
  isAbstractType,
  isUnionType,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import { isIncluded } from './conditions.ts';

/** What collecting needs besides the selections: the schema, the fragments, the request's variables. */
export interface CollectContext {
  readonly schema: GraphQLSchema;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly variables: Record<string, unknown>;
}

/** Groups the fields of `selectionSets` that apply to `type` by response key, in order. */
export function collectFields(
  context: CollectContext,
  type: GraphQLObjectType,
  selectionSets: readonly SelectionSetNode[],
): Map<string, FieldNode[]> {
  const fields = new Map<string, FieldNode[]>();
  const visited = new Set<string>();
  for (const selectionSet of selectionSets) collectInto(context, type, selectionSet, fields, visited);
  return fields;
}

/**
 * The fields of `selectionSets` for an object of abstract `type` whose runtime type is not known
 * (the tree has no `__typename` for it, or only the abstract type's own name): the same for every
 * possible type, or undefined when they depend on it (`__typename`, or a fragment on a type that
 * not every possible type is, such as one implementation).
 */
export function collectSharedFields(
  context: CollectContext,
  type: GraphQLAbstractType,
  selectionSets: readonly SelectionSetNode[],
): Map<string, FieldNode[]> | undefined {
  const fields = new Map<string, FieldNode[]>();
  const visited = new Set<string>();
  for (const selectionSet of selectionSets)
    if (!collectInto(context, type, selectionSet, fields, visited)) return undefined;
  return fields;
}

/** Collects into `fields`; false when what it met depends on the runtime type (see above). */
function collectInto(
  context: CollectContext,
  type: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
  fields: Map<string, FieldNode[]>,
  visited: Set<string>,
): boolean {
  let shared = true;
  for (const selection of selectionSet.selections) {
    if (!isIncluded(selection.directives, context.variables)) continue;
    switch (selection.kind) {
      case Kind.FIELD: {
        if (selection.name.value === '__typename') shared = false;
        const key = selection.alias?.value ?? selection.name.value;
        const group = fields.get(key);
        if (group === undefined) fields.set(key, [selection]);
        else group.push(selection);
        break;
      }
      case Kind.INLINE_FRAGMENT: {
        const condition = selection.typeCondition?.name.value;
        if (condition !== undefined && !typeConditionApplies(context.schema, condition, type)) {
          shared = false;
          continue;
        }
        if (!collectInto(context, type, selection.selectionSet, fields, visited)) shared = false;
        break;
      }
      case Kind.FRAGMENT_SPREAD: {
        const name = selection.name.value;
        if (visited.has(name)) continue;
        visited.add(name);
        const fragment = context.fragments.get(name);
        if (fragment === undefined) continue;
        if (!typeConditionApplies(context.schema, fragment.typeCondition.name.value, type)) {
          shared = false;
          continue;
        }
        if (!collectInto(context, type, fragment.selectionSet, fields, visited)) shared = false;
        break;
      }
    }
  }
  return shared;
}

/**
 * DoesFragmentTypeApply: the condition is the type itself, or an abstract type it belongs to.
 * For an abstract `type` (runtime type unknown): the type itself, or an interface it implements,
 * so that it applies whatever the runtime type is, and `type` has every field of the condition.
 */
export function typeConditionApplies(
  schema: GraphQLSchema,
  condition: string,
  type: GraphQLCompositeType,
): boolean {
  if (condition === type.name) return true;
  if (isUnionType(type)) return false;
  const conditionType = schema.getType(condition);
  return (
    conditionType !== undefined && isAbstractType(conditionType) && schema.isSubType(conditionType, type)
  );
}
