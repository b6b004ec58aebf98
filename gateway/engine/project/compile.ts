/**
 * From an operation to its plan (stage: plan): each object type's result becomes a list of
 * {@link FieldStep}s and a generated walk; the selection of an interface or a union is compiled
 * per runtime type on first use (one with many implementations costs only the types answers hold).
 *
 * The planner selects `__typename` only where the answer depends on the runtime type (type
 * conditions, `__typename` asked): an object of an abstract type without it (or with only the
 * abstract type's own name, as an `@interfaceObject` subgraph answers) is completed by one plan
 * on the abstract type's own fields, when its selection is the same for every possible type.
 */
import {
  type FieldNode,
  type GraphQLAbstractType,
  type GraphQLField,
  type GraphQLFieldMap,
  type GraphQLObjectType,
  type GraphQLOutputType,
  isAbstractType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isSpecifiedScalarType,
  isUnionType,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import { type CollectContext, collectFields, collectSharedFields } from './collect.ts';
import { completeValue } from './complete.ts';
import { generateRunner } from './generate.ts';
import { type FieldStep, type ObjectPlan, type SelectionPlan, StepKind, type StepKindValue } from './plan.ts';

/** Root fields graphql-js answers beside the plan; the tree holds their answers as they are. */
const OPAQUE = new Set(['__schema', '__type']);

/** Compiles the plan of `type` for `selectionSets` (the root's, or a merged field's). */
export function compileObject(
  context: CollectContext,
  type: GraphQLObjectType,
  selectionSets: readonly SelectionSetNode[],
  root: boolean,
): ObjectPlan {
  return planOf(context, type, collectFields(context, type, selectionSets), root);
}

/**
 * The plan of an object of abstract `type` whose runtime type the tree does not say; undefined
 * when its selection depends on the runtime type. Its fields are the abstract type's: their
 * nullability is the loosest the implementations may have, so no null is refused that one of
 * them allows (a union has no fields but `__typename`, which depends on the runtime type).
 */
export function compileShared(
  context: CollectContext,
  type: GraphQLAbstractType,
  selectionSets: readonly SelectionSetNode[],
): ObjectPlan | undefined {
  const fields = collectSharedFields(context, type, selectionSets);
  return fields === undefined ? undefined : planOf(context, type, fields, false);
}

function planOf(
  context: CollectContext,
  type: GraphQLObjectType | GraphQLAbstractType,
  fields: ReadonlyMap<string, FieldNode[]>,
  root: boolean,
): ObjectPlan {
  const steps: FieldStep[] = [];
  const definitions: GraphQLFieldMap<unknown, unknown> = isUnionType(type) ? {} : type.getFields();
  for (const [key, nodes] of fields) {
    const name = nodes[0]!.name.value;
    if (name === '__typename') {
      steps.push(
        step(key, StepKind.Typename, [false], false, type.name, undefined, `${type.name}.${name}`, nodes),
      );
      continue;
    }
    if (root && OPAQUE.has(name)) {
      // Copied as graphql-js answered them; their nullability is theirs (`__schema: __Schema!`).
      steps.push(
        step(key, StepKind.Opaque, [name === '__type'], false, '', undefined, `${type.name}.${name}`, nodes),
      );
      continue;
    }
    const definition = definitions[name];
    // Not a field of this type (graphql-js leaves it out too); validation keeps this from happening.
    if (definition === undefined) continue;
    steps.push(fieldStep(context, type, key, definition, nodes));
  }
  return { steps, run: generateRunner(steps, completeValue) };
}

function fieldStep(
  context: CollectContext,
  parent: GraphQLObjectType | GraphQLAbstractType,
  key: string,
  definition: GraphQLField<unknown, unknown>,
  nodes: FieldNode[],
): FieldStep {
  const nullable: boolean[] = [];
  let type: GraphQLOutputType = definition.type;
  for (;;) {
    const nonNull = isNonNullType(type);
    const inner: GraphQLOutputType = isNonNullType(type) ? type.ofType : type;
    nullable.push(!nonNull);
    if (!isListType(inner)) {
      type = inner;
      break;
    }
    type = inner.ofType;
  }
  const coordinate = `${parent.name}.${definition.name}`;
  if (isObjectType(type) || isAbstractType(type)) {
    const selectionSets: SelectionSetNode[] = [];
    for (const node of nodes) if (node.selectionSet) selectionSets.push(node.selectionSet);
    const selection = selectionPlan(context, type, selectionSets);
    return step(key, StepKind.Composite, nullable, false, '', selection, coordinate, nodes);
  }
  const strict = isEnumType(type) || isSpecifiedScalarType(type);
  return step(key, StepKind.Leaf, nullable, strict, '', undefined, coordinate, nodes);
}

function selectionPlan(
  context: CollectContext,
  type: GraphQLObjectType | GraphQLAbstractType,
  selectionSets: readonly SelectionSetNode[],
): SelectionPlan {
  if (isObjectType(type)) {
    // Compiled now: an operation is a finite tree, so its object types cost what it holds.
    const plan = compileObject(context, type, selectionSets, false);
    return { typeName: type.name, abstract: false, planFor: () => plan };
  }
  // Compiled per runtime type on first use: eagerly, nested abstract types would multiply.
  const possible = new Map<string, GraphQLObjectType>();
  for (const member of context.schema.getPossibleTypes(type)) possible.set(member.name, member);
  const plans = new Map<string, ObjectPlan>();
  // null: compiled, and the selection depends on the runtime type.
  let shared: ObjectPlan | null | undefined;
  return {
    typeName: type.name,
    abstract: true,
    typenameKey: aliasedTypename(type, selectionSets),
    planFor(typename) {
      if (typeof typename !== 'string' || typename === type.name) {
        if (shared === undefined) shared = compileShared(context, type, selectionSets) ?? null;
        return shared ?? undefined;
      }
      let plan = plans.get(typename);
      if (plan === undefined) {
        const member = possible.get(typename);
        if (member === undefined) return undefined;
        plan = compileObject(context, member, selectionSets, false);
        plans.set(typename, plan);
      }
      return plan;
    },
  };
}

/**
 * The response key of a `__typename` selected under an alias on `type` itself (directly, or in a
 * fragment on `type` with no condition to hold), if any: the tree holds the runtime type there.
 */
function aliasedTypename(
  type: GraphQLAbstractType,
  selectionSets: readonly SelectionSetNode[],
): string | undefined {
  for (const set of selectionSets) {
    for (const selection of set.selections) {
      if (selection.directives?.some((d) => d.name.value === 'include' || d.name.value === 'skip')) continue;
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === '__typename' && selection.alias !== undefined)
          return selection.alias.value;
      } else if (
        selection.kind === Kind.INLINE_FRAGMENT &&
        (selection.typeCondition === undefined || selection.typeCondition.name.value === type.name)
      ) {
        const inner = aliasedTypename(type, [selection.selectionSet]);
        if (inner !== undefined) return inner;
      }
    }
  }
  return undefined;
}

function step(
  key: string,
  kind: StepKindValue,
  nullable: boolean[],
  strictLeaf: boolean,
  typename: string,
  selection: SelectionPlan | undefined,
  coordinate: string,
  nodes: readonly FieldNode[],
): FieldStep {
  return {
    key,
    kind,
    listDepth: nullable.length - 1,
    nullable,
    strictLeaf,
    typename,
    selection,
    coordinate,
    nodes,
  };
}
