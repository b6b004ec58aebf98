/**
 * Distinct representations found without building strings: a trie of `Map`s keyed by the
 * required fields' names and values in `requires` order, one lookup per name and per value.
 * Strings from subgraph answers come with their hash cached, so a lookup costs little, where a
 * concatenated key would be built and hashed for every entity. Lists and objects under a nested
 * selection (rare in keys) are keyed by their `representationKey` text under a marker.
 */
import type { RequiresSelection } from '@graphql-hive/router-query-planner';
import { isObject, type TreeObject } from './merge.ts';
import { representationKey } from './representations.ts';
import type { TypeOracle } from './types.ts';

/** One node of the trie; a leaf holds the representation's index under `INDEX`. */
export type DedupNode = Map<unknown, unknown>;

const INDEX = Symbol('index');
const COMPOSITE = Symbol('composite');

/** The representation index recorded at `leaf`, if any. */
export function indexAt(leaf: DedupNode): number | undefined {
  return leaf.get(INDEX) as number | undefined;
}

export function setIndexAt(leaf: DedupNode, index: number): void {
  leaf.set(INDEX, index);
}

/**
 * The trie leaf of the representation `representationOf` would build for `entity` (its
 * qualification rules are the same), or undefined when the entity does not qualify.
 */
export function leafOf(
  root: DedupNode,
  entity: TreeObject,
  requires: readonly RequiresSelection[],
  types: TypeOracle,
): DedupNode | undefined {
  let node = root;
  let matched = false;
  for (const selection of requires) {
    if (selection.kind === 'InlineFragment') {
      if (!types.satisfies(entity.__typename, selection.typeCondition)) continue;
      const next = descend(node, entity, selection.selections, types);
      if (next === undefined) return undefined;
      node = next;
      matched = true;
    } else if (selection.kind === 'Field') {
      const value = entity[selection.name];
      if (value === undefined) return undefined;
      node = stepValue(step(node, selection.alias ?? selection.name), value, selection.selections, types);
      matched = true;
    }
  }
  return matched ? node : undefined;
}

function descend(
  node: DedupNode,
  source: TreeObject,
  selections: readonly RequiresSelection[],
  types: TypeOracle,
): DedupNode | undefined {
  let current = node;
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const value = source[selection.name];
      if (value === undefined) return undefined;
      current = stepValue(
        step(current, selection.alias ?? selection.name),
        value,
        selection.selections,
        types,
      );
    } else if (
      selection.kind === 'InlineFragment' &&
      types.satisfies(source.__typename, selection.typeCondition)
    ) {
      const next = descend(current, source, selection.selections, types);
      if (next === undefined) return undefined;
      current = next;
    }
  }
  return current;
}

/** The node below `node` for `value`: a scalar is its own key; a list or object is text below a marker. */
function stepValue(
  node: DedupNode,
  value: unknown,
  selections: readonly RequiresSelection[] | undefined,
  types: TypeOracle,
): DedupNode {
  if (value === null || typeof value !== 'object') return step(node, value);
  return step(step(node, COMPOSITE), compositeKey(value, selections, types));
}

function compositeKey(
  value: unknown,
  selections: readonly RequiresSelection[] | undefined,
  types: TypeOracle,
): string {
  if (selections === undefined || selections.length === 0) return `#${representationKey(value)}`;
  if (Array.isArray(value)) {
    let key = '#[';
    for (const item of value)
      key +=
        isObject(item) || Array.isArray(item)
          ? compositeKey(item, selections, types)
          : representationKey(item);
    return `${key}]`;
  }
  if (!isObject(value)) return `#${representationKey(value)}`;
  // As `project` does: a nested object missing a field keeps the fields it has.
  let key = '#{';
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const field = value[selection.name];
      if (field === undefined) continue;
      key += `${selection.alias ?? selection.name}:`;
      key +=
        field !== null && typeof field === 'object'
          ? compositeKey(field, selection.selections, types)
          : representationKey(field);
    } else if (
      selection.kind === 'InlineFragment' &&
      types.satisfies(value.__typename, selection.typeCondition)
    ) {
      key += compositeKey(value, selection.selections, types);
    }
  }
  return `${key}}`;
}

function step(node: DedupNode, key: unknown): DedupNode {
  let next = node.get(key) as DedupNode | undefined;
  if (next === undefined) {
    next = new Map();
    node.set(key, next);
  }
  return next;
}
