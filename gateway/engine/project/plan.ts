/**
 * The compiled form of an operation's selection (stage: plan): what `project()` walks. Compiled
 * once per operation (and per outcome of its `@skip`/`@include` variables), so a walk evaluates
 * no directive, looks up no field definition and spreads no fragment.
 */
import type { FieldNode, GraphQLError } from 'graphql';

/** How a field's value is completed once its lists are walked. */
export const StepKind = {
  /** A scalar or an enum: copied as returned. */
  Leaf: 0,
  /** `__typename`: the object type's name, known when its plan is compiled. */
  Typename: 1,
  /** An object, interface or union: completed by its selection. */
  Composite: 2,
  /** `__schema` / `__type` at the root: graphql-js answered them; copied as they are. */
  Opaque: 3,
} as const;

export type StepKindValue = (typeof StepKind)[keyof typeof StepKind];

/** One response key of an object's result, in the client's order. */
export interface FieldStep {
  /** The response key (the alias, else the field name): read from the tree, written to the result. */
  readonly key: string;
  readonly kind: StepKindValue;
  /** How many lists wrap the named type (`[[Int]]` → 2). */
  readonly listDepth: number;
  /** Per level, outermost first: whether null is allowed there (`[Int!]!` → [false, false]). */
  readonly nullable: readonly boolean[];
  /** A built-in scalar or an enum: an object or a list there is a shape error (a custom scalar may be JSON). */
  readonly strictLeaf: boolean;
  /** For `Typename`: the name to answer. */
  readonly typename: string;
  /** For `Composite`: the selection of the merged field nodes. */
  readonly selection: SelectionPlan | undefined;
  /** `Type.field`, for error messages. */
  readonly coordinate: string;
  /** The field's nodes in the operation (they give an error's `locations`). */
  readonly nodes: readonly FieldNode[];
}

/** One concrete object type's result. */
export interface ObjectPlan {
  /** Every response key in the client's order (`__typename` included). */
  readonly steps: readonly FieldStep[];
  /** The walk of one object of this type, generated from the steps (`generate.ts`). */
  readonly run: ObjectRunner;
}

/** The sub-selection of a composite field: one object plan per runtime type, compiled on first use. */
export interface SelectionPlan {
  /** The field's named type (for messages). */
  readonly typeName: string;
  /** Set for an interface or a union: the runtime type comes from the tree's `__typename`. */
  readonly abstract: boolean;
  /**
   * Where the tree may also hold the runtime type: the response key of a `__typename` the client
   * selects under an alias on the abstract type itself (the planner then fetches only that).
   */
  readonly typenameKey?: string;
  /** The plan for `typename` (ignored for an object type), or undefined when it is not a possible type. */
  planFor(typename: unknown): ObjectPlan | undefined;
}

/** Returned in place of a value: null at a non-null position, reported; its parent must be null. */
export const BUBBLE: unique symbol = Symbol('null bubbles up');

/** One walk's state. */
export interface Walk {
  /** The client path of the value being completed. */
  readonly path: Array<string | number>;
  /** The tree's errors, then those the walk adds. */
  readonly errors: GraphQLError[];
  /** Whether an error of the tree explains a null at a path (`violations.ts`). */
  readonly explanations: { explains(path: ReadonlyArray<string | number>): boolean };
}

/** Walks one object of the tree: its result, or BUBBLE when a non-null field of it is null. */
export type ObjectRunner = (source: Record<string, unknown>, walk: Walk) => unknown;

/** Completes the value of one step (`complete.ts`); `depth` counts the lists walked. */
export type CompleteValue = (step: FieldStep, value: unknown, depth: number, walk: Walk) => unknown;
