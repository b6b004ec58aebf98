/**
 * The subsequent payload of a deferred operation (stage: response): one `incremental` entry per
 * instance of each deferred fragment (one per object it applies to), in the format Yoga sends
 * for a monolith: `{ data, path, label?, errors? }`.
 *
 * An entry's data is its fragment projected on its object of the tree, the way graphql-js
 * completes a deferred fragment: a null at a non-null field of the fragment nulls the entry's
 * data (`data: null`), never the initial payload's objects. The tree's errors not sent in the
 * initial payload go to the entry with the longest path that is a prefix of theirs.
 */
import type { ExecutionResult } from '@graphql-tools/utils';
import type { GraphQLError, GraphQLSchema } from 'graphql';
import { isObjectType } from 'graphql';
import { typeOracle } from '../execute/types.ts';
import type { FragmentProjection } from '../project/index.ts';
import type { DeferredFragment, DeferShape } from './shape.ts';

type Path = ReadonlyArray<string | number>;
type TreeObject = Record<string, unknown>;

export interface IncrementalInput {
  shape: DeferShape;
  /** The compiled projection of each of `shape.fragments`, in the same order. */
  projections: readonly FragmentProjection[];
  schema: GraphQLSchema;
  /** The merged tree, once the whole plan has run. */
  tree: TreeObject | null;
  /** The initial payload's data (top-level fragments apply to the objects it holds). */
  initial: TreeObject | null | undefined;
  /** The tree's errors that the initial payload did not carry. */
  unsent: readonly GraphQLError[];
}

interface Instance {
  fragment: DeferredFragment;
  projection: FragmentProjection;
  path: Path;
  object: TreeObject;
  typename: string;
  errors: GraphQLError[];
}

export function incrementalEntries(input: IncrementalInput): {
  entries: ExecutionResult[];
  unplaced: GraphQLError[];
} {
  const instances = findInstances(input);
  const unplaced: GraphQLError[] = [];
  for (const error of input.unsent) {
    const instance = owner(instances, error.path ?? []);
    if (instance === undefined) unplaced.push(error);
    else instance.errors.push(error);
  }
  const entries: ExecutionResult[] = [];
  for (const instance of instances) {
    const result = instance.projection.project(
      instance.object,
      instance.typename,
      instance.path,
      instance.errors,
    );
    if (result === undefined) continue;
    const entry: ExecutionResult = { data: result.data, path: instance.path };
    if (instance.fragment.label !== undefined) entry.label = instance.fragment.label;
    if (result.errors.length > 0) entry.errors = result.errors;
    entries.push(entry);
  }
  return { entries, unplaced };
}

/** Every object each fragment applies to: outer fragments first, in document order. */
function findInstances(input: IncrementalInput): Instance[] {
  const oracle = typeOracle(input.schema);
  const order = input.shape.fragments.map((fragment, index) => ({ fragment, index }));
  order.sort((a, b) => a.fragment.depth - b.fragment.depth || a.index - b.index);
  const instances: Instance[] = [];
  for (const { fragment, index } of order) {
    // A top-level fragment applies to objects the initial payload holds; a nested one to those
    // of the tree (its enclosing fragment's entry brings them).
    const source = fragment.depth === 0 ? input.initial : input.tree;
    for (const path of objectPaths(source, fragment.path)) {
      const object = valueAt(input.tree, path);
      if (object === null || typeof object !== 'object' || Array.isArray(object)) continue;
      const typename = runtimeType(object as TreeObject, fragment, input.schema);
      if (typename === undefined) continue;
      if (!fragment.conditions.every((condition) => oracle.satisfies(typename, condition))) continue;
      instances.push({
        fragment,
        projection: input.projections[index]!,
        path,
        object: object as TreeObject,
        typename,
        errors: [],
      });
    }
  }
  return instances;
}

/** The object's type: its `__typename` in the tree, else the position's type when concrete. */
function runtimeType(
  object: TreeObject,
  fragment: DeferredFragment,
  schema: GraphQLSchema,
): string | undefined {
  if (typeof object.__typename === 'string') return object.__typename;
  const parent = schema.getType(fragment.parentType);
  return parent && isObjectType(parent) ? parent.name : undefined;
}

/** The paths (with list indexes) of the objects at `keys` below `root`. */
function objectPaths(root: unknown, keys: readonly string[]): Path[] {
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
  walk(root, 0, []);
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
 * The instance with the longest path that is a prefix of `path`; of several at that path, the
 * first whose fragment selects the error's next key.
 */
function owner(instances: readonly Instance[], path: Path): Instance | undefined {
  let best: Instance | undefined;
  let bestScore = -1;
  for (const instance of instances) {
    const prefix = instance.path;
    if (prefix.length > path.length || !prefix.every((step, i) => path[i] === step)) continue;
    const next = path[prefix.length];
    const score =
      prefix.length * 2 + (typeof next === 'string' && instance.fragment.keys.includes(next) ? 1 : 0);
    if (score > bestScore) {
      best = instance;
      bestScore = score;
    }
  }
  return best;
}
