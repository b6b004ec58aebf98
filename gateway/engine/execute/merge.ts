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
    if (key === '__proto__') {
      mergeProtoKey(target, incoming, types);
      continue;
    }
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

/**
 * A `__proto__` key (a client may alias a field so; `JSON.parse` makes it an own key) is merged
 * as an own property: assigning it would set the object's prototype, and reading it would reach
 * `Object.prototype` and merge into every object of the process.
 */
function mergeProtoKey(target: TreeObject, incoming: unknown, types: TypeOracle): void {
  const existing = ownValue(target, '__proto__');
  if (isObject(existing) && isObject(incoming)) mergeInto(existing, incoming, types);
  else
    Object.defineProperty(target, '__proto__', {
      value: incoming,
      enumerable: true,
      writable: true,
      configurable: true,
    });
}

/** `object[key]` when `object` has it as its own property, else undefined. */
export function ownValue(object: TreeObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}
