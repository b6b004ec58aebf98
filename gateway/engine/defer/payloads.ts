/**
 * The entries of deferred fragments (stage: response): one `incremental` entry per object each
 * fragment applies to, in the format Yoga sends for a monolith: `{ data, path, label?, errors? }`.
 *
 * A fragment applies to the objects at its path in what the client already has: the initial
 * payload's data for a top-level fragment, its enclosing fragment's entries for a nested one
 * (none under an entry that came back null). An entry's data is the fragment projected on its
 * object of the tree, the way graphql-js completes a deferred fragment: a null at a non-null
 * field of the fragment nulls the entry's data (`data: null`), never what was delivered before.
 * Each error of the tree goes to the entry of the fragment that selected its field, at the
 * longest path that is a prefix of its own; one that fits no delivered entry (under a null) is
 * not sent, as graphql-js drops it.
 */
import type { ExecutionResult } from '@graphql-tools/utils';
import type { GraphQLError, GraphQLSchema } from 'graphql';
import { isAbstractType } from 'graphql';
import { type TypeOracle, typeOracle } from '../execute/types.ts';
import { typeConditionApplies } from '../project/collect.ts';
import type { FragmentProjection } from '../project/index.ts';
import type { DeferShape } from './shape.ts';

type Path = ReadonlyArray<string | number>;
type TreeObject = Record<string, unknown>;

/** One delivered entry, kept to find nested fragments' objects and to place errors. */
export interface Delivered {
  fragment: number;
  path: Path;
  data: TreeObject | null;
}

export interface EntriesInput {
  shape: DeferShape;
  /** The compiled projection of each of `shape.fragments`, in the same order. */
  projections: readonly FragmentProjection[];
  schema: GraphQLSchema;
  /** The merged tree as it is now. */
  tree: TreeObject;
  /** The initial payload's data. */
  initial: TreeObject;
  /** Entries already delivered, by fragment. */
  delivered: ReadonlyMap<number, readonly Delivered[]>;
  /** The tree's errors no payload has carried yet; those placed here are removed from it. */
  unsent: Set<GraphQLError>;
  /** Explains nulls by any error of the tree (so that none is reported twice). */
  explanations: { explains(path: Path): boolean };
}

/**
 * The entries of fragments `fragments` (parents before children: a child's objects are found in
 * its parent's entries, those of this call included), each with the errors it owns.
 */
export function entriesOf(
  input: EntriesInput,
  fragments: readonly number[],
): { entries: ExecutionResult[]; delivered: Delivered[] } {
  const oracle = typeOracle(input.schema);
  const known = new Map(input.delivered);
  const entries: ExecutionResult[] = [];
  const delivered: Delivered[] = [];
  for (const index of fragments) {
    const fragment = input.shape.fragments[index]!;
    const instances: Instance[] = [];
    for (const path of objectsOf(input, known, index)) {
      const object = valueAt(input.tree, path);
      if (object === null || typeof object !== 'object' || Array.isArray(object)) continue;
      const typename = runtimeType(object as TreeObject, fragment.parentType);
      if (!fragment.conditions.every((condition) => holds(input.schema, oracle, typename, condition)))
        continue;
      instances.push({ fragment: index, path, object: object as TreeObject, typename });
    }
    const owned = placeErrors(input, instances);
    const mine: Delivered[] = [];
    for (const [i, instance] of instances.entries()) {
      const result = input.projections[index]!.project(
        instance.object,
        instance.typename,
        instance.path,
        owned[i] ?? [],
        input.explanations,
      );
      if (result === undefined) continue;
      const entry: ExecutionResult = { data: result.data, path: instance.path };
      if (fragment.label !== undefined) entry.label = fragment.label;
      if (result.errors.length > 0) entry.errors = result.errors;
      entries.push(entry);
      mine.push({ fragment: index, path: instance.path, data: result.data });
    }
    known.set(index, mine);
    delivered.push(...mine);
  }
  return { entries, delivered };
}

interface Instance {
  fragment: number;
  path: Path;
  object: TreeObject;
  typename: string;
}

/** The paths of the objects fragment `index` applies to, in what the client already has. */
function objectsOf(
  input: EntriesInput,
  delivered: ReadonlyMap<number, readonly Delivered[]>,
  index: number,
): Path[] {
  const fragment = input.shape.fragments[index]!;
  if (fragment.parent === undefined) return objectPaths(input.initial, fragment.path, []);
  const parent = input.shape.fragments[fragment.parent]!;
  const rest = fragment.path.slice(parent.path.length);
  const out: Path[] = [];
  for (const entry of delivered.get(fragment.parent) ?? []) {
    if (entry.data !== null) out.push(...objectPaths(entry.data, rest, entry.path));
  }
  return out;
}

/** The paths (with list indexes) of the objects at `keys` below `root`, which is at `base`. */
function objectPaths(root: unknown, keys: readonly string[], base: Path): Path[] {
  const out: Path[] = [];
  const walk = (value: unknown, depth: number, path: Array<string | number>): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        walk(item, depth, [...path, index]);
      });
      return;
    }
    if (value === null || typeof value !== 'object') return;
    if (depth === keys.length) {
      out.push(path);
      return;
    }
    const key = keys[depth]!;
    walk((value as TreeObject)[key], depth + 1, [...path, key]);
  };
  walk(root, 0, [...base]);
  return out;
}

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const step of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[step];
  }
  return value;
}

/**
 * The object's type: its `__typename` in the tree, else the position's type. It is abstract
 * where the planner had no need of the runtime type (the fragment's selection does not depend on
 * it), or where an `@interfaceObject` subgraph answered the interface's own name.
 */
function runtimeType(object: TreeObject, parentType: string): string {
  return typeof object.__typename === 'string' ? object.__typename : parentType;
}

/** Whether an object of `typename` is sure to satisfy `condition` (whatever its runtime type, if abstract). */
function holds(schema: GraphQLSchema, oracle: TypeOracle, typename: string, condition: string): boolean {
  const type = schema.getType(typename);
  if (type !== undefined && isAbstractType(type)) return typeConditionApplies(schema, condition, type);
  return oracle.satisfies(typename, condition);
}

/**
 * Gives each unsent error to the instance of a fragment that selects its field (per the shape),
 * at the longest path that is a prefix of the error's; an index by path keeps this linear in
 * errors times path length.
 */
function placeErrors(
  input: EntriesInput,
  instances: ReadonlyArray<{ fragment: number; path: Path }>,
): GraphQLError[][] {
  const owned: GraphQLError[][] = [];
  if (input.unsent.size === 0 || instances.length === 0) return owned;
  const byPath = new Map<string, number[]>();
  for (const [i, instance] of instances.entries()) {
    const key = JSON.stringify(instance.path);
    const list = byPath.get(key);
    if (list === undefined) byPath.set(key, [i]);
    else list.push(i);
  }
  for (const error of input.unsent) {
    const path = error.path ?? [];
    const groups = input.shape.groupsAt(path);
    if (groups === undefined) continue;
    for (let length = path.length - 1; length >= 0; length--) {
      const candidates = byPath.get(JSON.stringify(path.slice(0, length)));
      const owner = candidates?.find((i) => groups.has(instances[i]!.fragment));
      if (owner === undefined) continue;
      const list = owned[owner] ?? [];
      list.push(error);
      owned[owner] = list;
      input.unsent.delete(error);
      break;
    }
  }
  return owned;
}
