/** The state of one walk over a tree, shared by the compiled plans and the completion (stage: plan). */
import type { GraphQLError } from 'graphql';
import type { Explanations } from './violations.ts';

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
