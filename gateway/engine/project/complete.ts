/**
 * The walk (stage: plan): Value Completion and Handling Field Errors of the GraphQL spec over
 * the executed tree, by a compiled plan. It allocates the result's objects and lists, and an
 * error only where one is due; the path is one array pushed and popped as it goes.
 */
import type { GraphQLError } from 'graphql';
import { type FieldStep, type ObjectPlan, StepKind } from './plan.ts';
import { type Explanations, nonNullError, shapeError } from './violations.ts';

/** Returned in place of a value: null at a non-null position, reported; its parent must be null. */
export const BUBBLE: unique symbol = Symbol('null bubbles up');

/** One walk's state. */
export interface Walk {
  /** The client path of the value being completed. */
  readonly path: Array<string | number>;
  /** The tree's errors, then those the walk adds. */
  readonly errors: GraphQLError[];
  readonly explanations: Explanations;
}

type Completed = unknown;

/** Completes `source` by `plan`: the result object, or BUBBLE when a non-null field of it is null. */
export function completeObject(plan: ObjectPlan, source: object, walk: Walk): Completed {
  const result: Record<string, unknown> = {};
  const path = walk.path;
  for (let i = 0; i < plan.length; i++) {
    const step = plan[i]!;
    const key = step.key;
    let value = step.kind === StepKind.Typename ? step.typename : (source as Record<string, unknown>)[key];
    // The common case inline: a leaf that is not in a list, of the right shape, needs no path.
    if (step.kind !== StepKind.Leaf || step.listDepth !== 0 || value == null || typeof value === 'object') {
      if (step.kind !== StepKind.Typename) {
        path.push(key);
        value = completeValue(step, value, 0, walk);
        path.pop();
        // graphql-js stops at the first field that nulls its parent; so do we (and report no more).
        if (value === BUBBLE) return BUBBLE;
      }
    }
    result[key] = value;
  }
  return result;
}

function completeValue(step: FieldStep, value: unknown, depth: number, walk: Walk): Completed {
  if (value === null || value === undefined) {
    if (step.nullable[depth]) return null;
    if (!walk.explanations.explains(walk.path)) walk.errors.push(nonNullError(step, walk.path));
    return BUBBLE;
  }
  if (depth < step.listDepth) {
    if (!Array.isArray(value)) return invalid(step, depth, walk, `expected a list, found ${describe(value)}`);
    const length = value.length;
    const list: unknown[] = new Array(length);
    const path = walk.path;
    for (let i = 0; i < length; i++) {
      path.push(i);
      const item = completeValue(step, value[i], depth + 1, walk);
      path.pop();
      if (item === BUBBLE) return step.nullable[depth] ? null : BUBBLE;
      list[i] = item;
    }
    return list;
  }
  switch (step.kind) {
    case StepKind.Leaf:
      if (step.strictLeaf && typeof value === 'object') {
        return invalid(step, depth, walk, `expected a leaf value, found ${describe(value)}`);
      }
      return value;
    case StepKind.Composite: {
      if (typeof value !== 'object' || Array.isArray(value)) {
        return invalid(step, depth, walk, `expected an object, found ${describe(value)}`);
      }
      const selection = step.selection!;
      const typename = selection.abstract ? (value as Record<string, unknown>).__typename : undefined;
      const plan = selection.planFor(typename);
      if (plan === undefined) {
        const found = typename === undefined ? 'no __typename' : `__typename ${JSON.stringify(typename)}`;
        return invalid(step, depth, walk, `${found}, not a possible type of ${selection.typeName}`);
      }
      const object = completeObject(plan, value, walk);
      if (object === BUBBLE) return step.nullable[depth] ? null : BUBBLE;
      return object;
    }
    default:
      return value;
  }
}

/** Reports a value of the wrong shape; the position is then null (and bubbles when non-null). */
function invalid(step: FieldStep, depth: number, walk: Walk, problem: string): Completed {
  walk.errors.push(shapeError(step, walk.path, problem));
  return step.nullable[depth] ? null : BUBBLE;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
