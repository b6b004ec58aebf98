/**
 * Merging a subgraph's answer into the tree: objects deeply, lists index by index, anything else
 * replaced. The answer's objects are adopted, not copied, where the tree has nothing yet.
 */
import type { TypeOracle } from './types.ts';

/** A JSON object of the tree (possibly with a null prototype). */
export type TreeObject = Record<string, unknown>;

/** True for a non-null, non-list object. */
export function isObject(value: unknown): value is TreeObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Merges `source` into `target` in place. A `__typename` naming an abstract type (what an
 * `@interfaceObject` subgraph answers) never replaces an object's concrete `__typename`.
 */
export function mergeInto(target: TreeObject, source: TreeObject, types: TypeOracle): void {
  for (const key in source) {
    const incoming = source[key];
    const existing = target[key];
    if (existing === undefined || existing === null || existing === incoming) {
      target[key] = incoming;
    } else if (Array.isArray(existing)) {
      if (Array.isArray(incoming)) mergeLists(existing, incoming, types);
      else target[key] = incoming;
    } else if (isObject(existing) && isObject(incoming)) {
      mergeInto(existing, incoming, types);
    } else if (key !== '__typename' || typeof incoming !== 'string' || !types.isAbstract(incoming)) {
      target[key] = incoming;
    }
  }
}

function mergeLists(target: unknown[], source: readonly unknown[], types: TypeOracle): void {
  for (let i = 0; i < source.length; i++) {
    const existing = target[i];
    const incoming = source[i];
    if (Array.isArray(existing) && Array.isArray(incoming)) mergeLists(existing, incoming, types);
    else if (isObject(existing) && isObject(incoming)) mergeInto(existing, incoming, types);
    else target[i] = incoming;
  }
}
