/**
 * The objects at a Flatten path in the tree. `{ Field }` steps by response key, `"@"` enters a
 * list, `{ TypeCondition }` keeps the objects whose `__typename` satisfies one of its types (or
 * that have none: a position of one concrete type); a
 * list met where the path expects an object is entered too (lists of lists: the planner writes
 * one `"@"`), and nulls end a branch. Paths are not built on the way (most fetches have no error):
 * `locate` walks again, building them, when an error needs them.
 */
import type { FlattenNodePathSegment } from '@graphql-hive/router-query-planner';
import { isObject, ownValue, type TreeObject } from './merge.ts';
import type { TypeOracle } from './types.ts';

export type FlattenPath = readonly FlattenNodePathSegment[];
export type ResponsePath = ReadonlyArray<string | number>;

/** A path step, compiled: a response key, `LIST` for `"@"`, or the types of a type condition. */
type Step = string | typeof LIST | readonly string[];
const LIST = 0;

const compiled = new WeakMap<FlattenPath, readonly Step[]>();

/** `path` as steps, compiled once per plan node's path. */
function stepsOf(path: FlattenPath): readonly Step[] {
  let steps = compiled.get(path);
  if (steps === undefined) {
    steps = path.map((segment) => {
      if (segment === '@') return LIST;
      return 'Field' in segment ? segment.Field : segment.TypeCondition;
    });
    compiled.set(path, steps);
  }
  return steps;
}

/** Appends to `out` every object at `path` below `root`, in document order. */
export function collect(root: unknown, path: FlattenPath, types: TypeOracle, out: TreeObject[]): void {
  walk(root, stepsOf(path), 0, types, out);
}

function walk(
  value: unknown,
  path: readonly Step[],
  index: number,
  types: TypeOracle,
  out: TreeObject[],
): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, path, index, types, out);
    return;
  }
  if (!isObject(value)) return;
  const segment = path[index];
  if (segment === undefined) out.push(value);
  else if (typeof segment === 'string') walk(field(value, segment), path, index + 1, types, out);
  else if (segment === LIST || satisfiesAny(value, segment, types)) walk(value, path, index + 1, types, out);
}

/**
 * The response path of each object `collect` found for `paths` (in the same order), given those
 * objects: walks again, recording the keys and indexes on the way. Should the tree have changed
 * in between (a parallel fetch merged lists on the way), an object gets the first path it is
 * found at.
 */
export function locate(
  root: unknown,
  paths: readonly FlattenPath[],
  found: readonly TreeObject[],
  types: TypeOracle,
): ResponsePath[] {
  const objects: TreeObject[] = [];
  const located: ResponsePath[] = [];
  for (const path of paths) {
    walkLocating(root, stepsOf(path), 0, types, [], (object, at) => {
      objects.push(object);
      located.push(at);
    });
  }
  if (objects.length === found.length && objects.every((object, i) => object === found[i])) return located;
  const first = new Map<TreeObject, ResponsePath>();
  for (let i = objects.length - 1; i >= 0; i--) first.set(objects[i]!, located[i]!);
  return found.map((object) => first.get(object) ?? []);
}

function walkLocating(
  value: unknown,
  path: readonly Step[],
  index: number,
  types: TypeOracle,
  trail: Array<string | number>,
  onFound: (object: TreeObject, at: ResponsePath) => void,
): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      trail.push(i);
      walkLocating(value[i], path, index, types, trail, onFound);
      trail.pop();
    }
    return;
  }
  if (!isObject(value)) return;
  const segment = path[index];
  if (segment === undefined) onFound(value, trail.slice());
  else if (typeof segment === 'string') {
    trail.push(segment);
    walkLocating(field(value, segment), path, index + 1, types, trail, onFound);
    trail.pop();
  } else if (segment === LIST || satisfiesAny(value, segment, types)) {
    walkLocating(value, path, index + 1, types, trail, onFound);
  }
}

/** The value at a response key; `__proto__` only as an own key (never `Object.prototype`). */
function field(value: TreeObject, key: string): unknown {
  return key === '__proto__' ? ownValue(value, key) : value[key];
}

function satisfiesAny(value: TreeObject, conditions: readonly string[], types: TypeOracle): boolean {
  // No `__typename`: a position of one concrete type (the planner selects it wherever the type
  // can vary), such as the root object under `{ TypeCondition: ["Mutation"] }`, which the
  // planner writes for fields reached through an inline fragment with @include.
  if (value.__typename === undefined) return true;
  for (const condition of conditions) if (types.satisfies(value.__typename, condition)) return true;
  return false;
}
