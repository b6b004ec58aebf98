/**
 * The tree of response paths a rewrite records (rewrite.ts builds it, patch.ts answers it): what
 * is taken out at each path, the `@defer`red fragments around it, and the client's key order.
 */
import type { DirectiveNode, FieldNode, GraphQLOutputType } from 'graphql';
import type { RefusalCode } from '../../core/field-gate.ts';

export interface Removal {
  /** The response key (alias or name). */
  key: string;
  code: RefusalCode;
  /** The object types that lose it; undefined when every object at this path does. */
  types: ReadonlySet<string> | undefined;
  /** The object types that lose it, always (one when `types` is undefined). */
  owners: ReadonlySet<string>;
  /** The field is non-null: its null makes its parent null. */
  nonNull: boolean;
  /** The directive lists with `@include`/`@skip` between the root and the field, included. */
  conditions: readonly (readonly DirectiveNode[])[];
  /** The client's field, for the error's location. */
  field: FieldNode;
  /**
   * The `@defer`red fragments (kept by the rewrite) the field sits in, outermost first: the
   * innermost one whose `if` holds carries its answer; with none, the initial payload does.
   */
  deferrals: Deferral[];
}

/** A `@defer`red fragment a removed field sits in. */
export interface Deferral {
  /** The `@defer` directive, for its `if`. */
  directive: DirectiveNode;
  /** The response keys of the objects it is spread on (no list positions). */
  path: readonly string[];
  /** Its static `label`, if any. */
  label: string | undefined;
}

/** One response path: what is removed there, and the paths below that have removals. */
export interface PathNode {
  /** The response keys from the root to here (no list positions). */
  path: readonly string[];
  removals: Removal[];
  children: Map<string, { type: GraphQLOutputType; node: PathNode }>;
  /**
   * The response keys the client selects here, in document order (as CollectFields walks fields,
   * inline fragments and spreads): an object that gets a removed key back is rebuilt in this order.
   * Kept only where there are removals.
   */
  order: KeyOrder[];
}

/** One selection of a response key, for the answer's key order. */
export interface KeyOrder {
  key: string;
  /** The object types it is selected on; undefined when every object at this path is. */
  types: ReadonlySet<string> | undefined;
  /** The directive lists with `@include`/`@skip` between the root and the field, included. */
  conditions: readonly (readonly DirectiveNode[])[];
}
