/**
 * CollectFields of the GraphQL spec (stage: plan): the fields of a selection for one runtime
 * object type, grouped by response key in the order the client wrote them, fragments spread and
 * inlined where their type condition applies, `@skip`/`@include` applied.
 */
import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  isAbstractType,
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

function collectInto(
  context: CollectContext,
  type: GraphQLObjectType,
  selectionSet: SelectionSetNode,
  fields: Map<string, FieldNode[]>,
  visited: Set<string>,
): void {
  for (const selection of selectionSet.selections) {
    if (!isIncluded(selection.directives, context.variables)) continue;
    switch (selection.kind) {
      case Kind.FIELD: {
        const key = selection.alias?.value ?? selection.name.value;
        const group = fields.get(key);
        if (group === undefined) fields.set(key, [selection]);
        else group.push(selection);
        break;
      }
      case Kind.INLINE_FRAGMENT: {
        const condition = selection.typeCondition?.name.value;
        if (condition !== undefined && !applies(context.schema, condition, type)) continue;
        collectInto(context, type, selection.selectionSet, fields, visited);
        break;
      }
      case Kind.FRAGMENT_SPREAD: {
        const name = selection.name.value;
        if (visited.has(name)) continue;
        visited.add(name);
        const fragment = context.fragments.get(name);
        if (fragment === undefined || !applies(context.schema, fragment.typeCondition.name.value, type))
          continue;
        collectInto(context, type, fragment.selectionSet, fields, visited);
        break;
      }
    }
  }
}

/** DoesFragmentTypeApply: the condition is the type itself, or an abstract type it belongs to. */
function applies(schema: GraphQLSchema, condition: string, type: GraphQLObjectType): boolean {
  if (condition === type.name) return true;
  const conditionType = schema.getType(condition);
  return (
    conditionType !== undefined && isAbstractType(conditionType) && schema.isSubType(conditionType, type)
  );
}
