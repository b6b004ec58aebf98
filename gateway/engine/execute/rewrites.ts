/**
 * The planner's fetch rewrites: `ValueSetter` (e.g. an `@interfaceObject` subgraph knows an
 * entity only as its interface, so its representation's `__typename` is set to the interface's
 * name) and `KeyRenamer` (a key renamed, e.g. an aliased field back to its name). Normalised once
 * per plan node; applied in place to representations (input) and to entity answers (output).
 */
import type { FetchNodePathSegment, FetchRewrite } from '@graphql-hive/router-query-planner';
import { isObject, type TreeObject } from './merge.ts';
import type { TypeOracle } from './types.ts';

type Step = { key: string } | { types: readonly string[] };

/** One rewrite, normalised: its steps, then the value to set or the key to rename to. */
export interface Rewrite {
  steps: readonly Step[];
  set?: string;
  renameTo?: string;
}

const compiled = new WeakMap<readonly FetchRewrite[], readonly Rewrite[]>();

/** The normalised form of `rewrites` (made once per plan node's list). */
export function compileRewrites(rewrites: readonly FetchRewrite[] | undefined | null): readonly Rewrite[] {
  if (!rewrites || rewrites.length === 0) return [];
  let list = compiled.get(rewrites);
  if (list === undefined) {
    list = rewrites.map(normalise);
    compiled.set(rewrites, list);
  }
  return list;
}

function normalise(rewrite: FetchRewrite): Rewrite {
  if ('ValueSetter' in rewrite) {
    return { steps: rewrite.ValueSetter.path.map(step), set: rewrite.ValueSetter.setValueTo };
  }
  if ('KeyRenamer' in rewrite) {
    return { steps: rewrite.KeyRenamer.path.map(step), renameTo: rewrite.KeyRenamer.renameKeyTo };
  }
  return { steps: rewrite.path.map(step), set: rewrite.setValueTo };
}

function step(segment: FetchNodePathSegment): Step {
  if ('Key' in segment) return { key: segment.Key };
  // Older planner builds wrote one type name where newer ones write a list.
  const types = segment.TypenameEquals as readonly string[] | string;
  return { types: typeof types === 'string' ? [types] : types };
}

/** Applies `rewrites` in order to `value` (an object, or a list of them), in place. */
export function applyRewrites(value: unknown, rewrites: readonly Rewrite[], types: TypeOracle): void {
  for (const rewrite of rewrites) apply(value, rewrite, 0, types);
}

function apply(value: unknown, rewrite: Rewrite, index: number, types: TypeOracle): void {
  if (Array.isArray(value)) {
    for (const item of value) apply(item, rewrite, index, types);
    return;
  }
  if (!isObject(value)) return;
  const current = rewrite.steps[index];
  if (current === undefined) return;
  if ('types' in current) {
    if (current.types.some((t) => types.satisfies(value.__typename, t)))
      apply(value, rewrite, index + 1, types);
    return;
  }
  if (index < rewrite.steps.length - 1) {
    apply(value[current.key], rewrite, index + 1, types);
    return;
  }
  write(value, current.key, rewrite);
}

function write(target: TreeObject, key: string, rewrite: Rewrite): void {
  if (rewrite.renameTo !== undefined) {
    if (!(key in target)) return;
    target[rewrite.renameTo] = target[key];
    delete target[key];
  } else if (rewrite.set !== undefined) {
    target[key] = rewrite.set;
  }
}
