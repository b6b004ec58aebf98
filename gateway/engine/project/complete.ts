/**
 * Value Completion and Handling Field Errors of the GraphQL spec (stage: plan), for one field's
 * value: lists, objects (through their generated walk, `generate.ts`), and anything that is not a
 * plain leaf, which the walks complete inline. It allocates the result's lists, and an error only
 * where one is due; the path is one array pushed and popped as it goes.
 */
import { BUBBLE, type FieldStep, StepKind, type Walk } from './plan.ts';
import { nonNullError, shapeError } from './violations.ts';

type Completed = unknown;

/** Completes `value` of `step` at `walk.path`; `depth` counts the lists walked. */
export function completeValue(step: FieldStep, value: unknown, depth: number, walk: Walk): Completed {
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
      const record = value as Record<string, unknown>;
      const typename = !selection.abstract
        ? undefined
        : (record.__typename ??
          (selection.typenameKey === undefined ? undefined : record[selection.typenameKey]));
      const plan = selection.planFor(typename);
      if (plan === undefined) {
        const found = typename === undefined ? 'no __typename' : `__typename ${JSON.stringify(typename)}`;
        return invalid(step, depth, walk, `${found}, not a possible type of ${selection.typeName}`);
      }
      const object = plan.run(value as Record<string, unknown>, walk);
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
