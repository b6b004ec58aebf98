/**
 * Entity representations, built from the tree's objects by a fetch's `requires` selection
 * (inline fragments on type conditions, fields by their key in the tree, nested selections), and a
 * string key per representation to send each distinct one once.
 */
import type { FieldRequiresNode, RequiresSelection } from '@graphql-hive/router-query-planner';
import { isObject, type TreeObject } from './merge.ts';
import type { TypeOracle } from './types.ts';

/**
 * The representation of `entity` per `requires`, or undefined when the entity does not qualify:
 * no fragment's type condition matches it, or a field it requires is missing (an earlier fetch
 * for it failed, and that failure's error already explains the entity).
 */
export function representationOf(
  entity: TreeObject,
  requires: readonly RequiresSelection[],
  types: TypeOracle,
): TreeObject | undefined {
  const representation: TreeObject = {};
  let matched = false;
  for (const selection of requires) {
    if (selection.kind === 'InlineFragment') {
      if (!types.satisfies(entity.__typename, selection.typeCondition)) continue;
      if (!select(entity, selection.selections, representation, types)) return undefined;
      matched = true;
    } else if (selection.kind === 'Field') {
      if (!selectField(entity, selection, representation, types)) {
        return undefined;
      }
      matched = true;
    }
  }
  return matched ? representation : undefined;
}

/** Copies the fields `selections` picks from `source` into `target`; false when one is missing. */
function select(
  source: TreeObject,
  selections: readonly RequiresSelection[],
  target: TreeObject,
  types: TypeOracle,
): boolean {
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      if (!selectField(source, selection, target, types)) return false;
    } else if (selection.kind === 'InlineFragment') {
      if (types.satisfies(source.__typename, selection.typeCondition)) {
        if (!select(source, selection.selections, target, types)) return false;
      }
    }
  }
  return true;
}

/**
 * Copies one required field. The planner names it by its key in the tree (`name`, which may be
 * an internal alias such as `_internal_qp_alias_0` when the client selected the same field with
 * other arguments) and gives the key the subgraph expects as `alias`.
 */
function selectField(
  source: TreeObject,
  field: FieldRequiresNode,
  target: TreeObject,
  types: TypeOracle,
): boolean {
  const value = source[field.name];
  if (value === undefined) return false;
  const selections = field.selections;
  target[field.alias ?? field.name] =
    selections && selections.length > 0 ? project(value, selections, types) : value;
  return true;
}

function project(value: unknown, selections: readonly RequiresSelection[], types: TypeOracle): unknown {
  if (Array.isArray(value)) return value.map((item) => project(item, selections, types));
  if (!isObject(value)) return value;
  const out: TreeObject = {};
  // A nested object missing a field keeps the fields it has: the subgraph judges the rest.
  select(value, selections, out, types);
  return out;
}

/**
 * A key equal for equal representations and different otherwise: strings are length-prefixed,
 * keys (GraphQL names) cannot hold the separators. Cheaper than `JSON.stringify`, and never
 * ambiguous.
 */
export function representationKey(value: unknown): string {
  if (value === null || value === undefined) return 'z';
  switch (typeof value) {
    case 'string':
      return `s${value.length}:${value}`;
    case 'number':
      return `n${value};`;
    case 'boolean':
      return value ? 'T' : 'F';
    case 'object': {
      if (Array.isArray(value)) {
        let key = '[';
        for (const item of value) key += representationKey(item);
        return `${key}]`;
      }
      let key = '{';
      const object = value as TreeObject;
      for (const name in object) key += `${name}:${representationKey(object[name])}`;
      return `${key}}`;
    }
    default:
      return `x${String(value)};`;
  }
}
