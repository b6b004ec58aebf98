/**
 * The variables of a request, checked before graphql-js coerces them (which recurses once per
 * level and allocates per value): how deep lists and input objects nest, and how many values
 * there are. The walk is iterative and stops at the first limit passed.
 */
import type { GraphQLError } from 'graphql';
import { limitExceeded } from './refuse.ts';

export interface VariableLimits {
  maxVariableDepth: number;
  maxVariableValues: number;
}

/** The limit `variables` passes, or undefined. Each limit at 0 is off. */
export function variablesRefusal(variables: unknown, limits: VariableLimits): GraphQLError | undefined {
  if (typeof variables !== 'object' || variables === null) return undefined;
  const { maxVariableDepth: maxDepth, maxVariableValues: maxValues } = limits;
  if (maxDepth === 0 && maxValues === 0) return undefined;
  // The variables object itself is depth 0: each variable's value starts at 1 when it nests.
  const stack: Array<[value: unknown, depth: number]> = [];
  for (const value of Object.values(variables)) stack.push([value, 0]);
  let values = 0;
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (++values > maxValues && maxValues > 0) {
      return limitExceeded(
        'maxVariableValues',
        `the variables hold more than ${maxValues} values; the limit is ${maxValues}`,
      );
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth + 1 > maxDepth && maxDepth > 0) {
      return limitExceeded(
        'maxVariableDepth',
        `the variables nest more than ${maxDepth} lists or objects deep; the limit is ${maxDepth}`,
      );
    }
    for (const inner of Array.isArray(value) ? value : Object.values(value)) stack.push([inner, depth + 1]);
  }
  return undefined;
}
