/**
 * The static cost of one operation (Apollo's demand-control estimate, after the IBM GraphQL cost
 * spec), from the schema's cost index (build-index.ts) and the request's variables:
 *
 * - the operation: 10 for a mutation, 0 for a query or subscription, plus its fields;
 * - a field: `count × (weight + cost of its selection) + cost of its arguments`, where `count` is
 *   1, or for a list the value of its largest slicing argument sent (a literal or a variable,
 *   else the argument's default), else `@listSize(assumedSize:)`, else `defaultListSize`; a field
 *   named in its parent's `@listSize(sizedFields:)` takes the parent's size instead;
 * - an argument or input field given a value: its `@cost`, plus its input fields' (lists summed);
 * - fragments and inline fragments: on an object type, every one counts; on an abstract type, the
 *   fragments are summed per type condition and the most expensive condition counts (an object is
 *   of one type at a time), plus what the selection asks of every type;
 * - `@skip` / `@include` apply (with the variables); each alias counts; `__typename` and
 *   introspection count 0.
 *
 * Each fragment's cost is computed once per operation (per list size it is sized by), so nested
 * spreads cost one walk of each fragment, however often they are spread.
 */
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLInputType,
  type GraphQLSchema,
  getNullableType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
  valueFromASTUntyped,
} from 'graphql';
import type { CostIndex, FieldCost, InputCost } from './build-index.ts';
import { listItems, slicingSize } from './list-size.ts';

/** Apollo's base cost of a mutation operation. */
const MUTATION_COST = 10;

export interface CostInput {
  schema: GraphQLSchema;
  index: CostIndex;
  document: DocumentNode;
  operationName?: string | null;
  /** The request's variables as sent (the variables' defaults are applied here). */
  variables?: Readonly<Record<string, unknown>> | null;
  /** Items of a list that nothing else sizes. */
  defaultListSize: number;
}

export interface CostEstimate {
  cost: number;
  /** The cost depends on the variables' values: it may not be reused for other variables. */
  readsVariables: boolean;
}

/** A list size a parent field gives to some of its selection's fields (`sizedFields`). */
interface Sized {
  readonly names: readonly string[];
  readonly size: number;
}

export function estimateCost(input: CostInput): CostEstimate {
  const { schema, index, document, defaultListSize } = input;
  const operation = operationOf(document, input.operationName);
  if (operation === undefined) return { cost: 0, readsVariables: false };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const variables = variablesWithDefaults(operation, input.variables);
  let readsVariables = false;
  const fragmentCosts = new Map<string, number>();

  const hasVariables = (operation.variableDefinitions?.length ?? 0) > 0;
  const readValue = (node: ValueNode): unknown => {
    // A list or an object may hold variables anywhere inside.
    if (node.kind === Kind.LIST || node.kind === Kind.OBJECT) readsVariables ||= hasVariables;
    if (node.kind !== Kind.VARIABLE) return valueFromASTUntyped(node, variables);
    readsVariables = true;
    return variables[node.name.value];
  };

  const included = (node: SelectionNode): boolean => {
    for (const directive of node.directives ?? []) {
      const name = directive.name.value;
      if (name !== 'skip' && name !== 'include') continue;
      const condition = directive.arguments?.find((a) => a.name.value === 'if');
      if (condition === undefined) continue;
      const value = readValue(condition.value);
      if ((name === 'skip' && value === true) || (name === 'include' && value === false)) return false;
    }
    return true;
  };

  const selectionCost = (typeName: string, set: SelectionSetNode, sized: Sized | undefined): number => {
    const fields = index.fields.get(typeName);
    const onObject = isObjectType(schema.getType(typeName));
    let sum = 0;
    let byCondition: Map<string, number> | undefined;
    for (const selection of set.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const field = fields?.get(selection.name.value);
        if (field !== undefined) sum += fieldCost(field, selection, sized);
        continue;
      }
      let condition: string;
      let cost: number;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        condition = selection.typeCondition?.name.value ?? typeName;
        cost = selectionCost(condition, selection.selectionSet, sized);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment === undefined) continue;
        condition = fragment.typeCondition.name.value;
        cost = fragmentCost(fragment, sized);
      }
      if (onObject || condition === typeName) sum += cost;
      else {
        byCondition ??= new Map();
        byCondition.set(condition, (byCondition.get(condition) ?? 0) + cost);
      }
    }
    if (byCondition !== undefined) sum += Math.max(...byCondition.values());
    return sum;
  };

  const fragmentCost = (fragment: FragmentDefinitionNode, sized: Sized | undefined): number => {
    const key =
      sized === undefined ? fragment.name.value : `${fragment.name.value}\n${sized.size}\n${sized.names}`;
    let cost = fragmentCosts.get(key);
    if (cost === undefined) {
      cost = selectionCost(fragment.typeCondition.name.value, fragment.selectionSet, sized);
      fragmentCosts.set(key, cost);
    }
    return cost;
  };

  const fieldCost = (field: FieldCost, node: FieldNode, sized: Sized | undefined): number => {
    const fromParent = sized?.names.includes(node.name.value) ? sized.size : undefined;
    const count = listItems(field, node, readValue, defaultListSize, fromParent);
    let childSized: Sized | undefined;
    const listSize = field.listSize;
    if (listSize !== undefined && listSize.sizedFields.length > 0) {
      const size =
        fromParent ?? slicingSize(field, node, readValue) ?? listSize.assumedSize ?? defaultListSize;
      childSized = { names: listSize.sizedFields, size };
    }
    const selection = node.selectionSet ? selectionCost(field.type.name, node.selectionSet, childSized) : 0;
    const args = field.arguments === undefined ? 0 : argumentsCost(field.arguments, node);
    return count * (field.weight + selection) + args;
  };

  const argumentsCost = (costs: ReadonlyMap<string, InputCost>, node: FieldNode): number => {
    let sum = 0;
    for (const argument of node.arguments ?? []) {
      const cost = costs.get(argument.name.value);
      if (cost !== undefined) sum += inputCost(cost, readValue(argument.value));
    }
    return sum;
  };

  /** An argument's or input field's weight when given a value, plus its input fields' costs. */
  const inputCost = (cost: InputCost, value: unknown): number =>
    value === null || value === undefined ? 0 : cost.weight + valueCost(cost.type, value);

  const valueCost = (type: GraphQLInputType, value: unknown): number => {
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      const items = Array.isArray(value) ? value : [value];
      let sum = 0;
      for (const item of items) sum += item === null ? 0 : valueCost(nullable.ofType, item);
      return sum;
    }
    const fields = index.inputFields.get(nullable.name);
    if (fields === undefined || typeof value !== 'object' || value === null) return 0;
    let sum = 0;
    for (const [name, cost] of fields) sum += inputCost(cost, (value as Record<string, unknown>)[name]);
    return sum;
  };

  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  const base = operation.operation === 'mutation' ? MUTATION_COST : 0;
  const fields =
    root === null || root === undefined ? 0 : selectionCost(root.name, operation.selectionSet, undefined);
  const total = base + fields;
  // Past the largest safe number (or not a number, whatever the inputs did), the most it can be:
  // never a NaN that compares false with every limit.
  return {
    cost: Number.isFinite(total) ? Math.min(total, Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER,
    readsVariables,
  };
}

/** The operation `operationName` names, or the only one; undefined when there is none such. */
function operationOf(
  document: DocumentNode,
  operationName: string | null | undefined,
): OperationDefinitionNode | undefined {
  let found: OperationDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName == null) {
      if (found !== undefined) return undefined;
      found = definition;
    } else if (definition.name?.value === operationName) return definition;
  }
  return found;
}

function variablesWithDefaults(
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): Record<string, unknown> {
  const values: Record<string, unknown> = { ...variables };
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (values[name] === undefined && definition.defaultValue !== undefined) {
      values[name] = valueFromASTUntyped(definition.defaultValue);
    }
  }
  return values;
}
