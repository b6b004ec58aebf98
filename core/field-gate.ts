/**
 * The seam between the field-policies room, which takes fields out of an operation before it is
 * planned and answers each with `null` and an error at its path, and the rooms that refuse fields
 * for reasons of their own (a field's rate limit): a gate watches coordinates of each schema in
 * service and, per request, judges the selections of them the operation will run. The policies
 * room walks the operation once for both, so a gated field costs nothing on an operation that
 * selects none, and the engine plans each outcome once. This file is a leaf: it imports nothing
 * of ours, so every room may depend on it.
 */
import type { ExecutionResult, FieldNode, GraphQLSchema } from 'graphql';

/** The error code a field taken out of an operation is answered with. */
export type RefusalCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'RATE_LIMITED';

/** A field of the operation that returns a list, on the way from the root to a gated field. */
export interface ListOnTheWay {
  /** The type the field is selected on (an object or an interface). */
  parent: string;
  /** The client's field, for its arguments (slicing arguments size the list). */
  field: FieldNode;
}

/**
 * One selection of a watched field that the operation runs: one response path (a field selected
 * under aliases is several; the same key selected in several fragments is one), its `@include`
 * and `@skip` holding, and neither it nor a field on its way refused by a policy.
 */
export interface GatedSelection {
  /** Its response keys from the root, `/`-separated (one selection per path). */
  path: string;
  /**
   * The watched `Type.field`s of the object types it may be resolved on (several under an
   * abstract type): a limit shared by several of them (an interface's) counts once per path.
   */
  coordinates: readonly string[];
  /** The list fields on its way from the root, outermost first (for estimates per list item). */
  lists: readonly ListOnTheWay[];
}

export interface GateInput {
  /** The schema the operation runs on (one the gate watched). */
  schema: GraphQLSchema;
  /** The client's request (its caller, its headers). */
  request: Request;
  /** The GraphQL context (the server adapter's `req`, for the client's address). */
  context: unknown;
  /** The operation's variables, coerced, with their defaults. */
  variables: Readonly<Record<string, unknown>>;
  /** Every selection of a watched field the operation runs, in document order. */
  selections: readonly GatedSelection[];
}

/** Why a field is refused, for the error at each of its paths (code: RATE_LIMITED). */
export interface FieldRefusal {
  message: string;
  /** Added to the error's `extensions`, after its `code`. */
  extensions: Readonly<Record<string, unknown>>;
}

export type GateAnswer =
  /** The coordinates refused (answered null, each with its error); empty when none is. */
  | { refused: ReadonlyMap<string, FieldRefusal> }
  /** The whole operation is refused with this result (nothing runs). */
  | { reject: ExecutionResult };

export interface FieldGate {
  /** The coordinates (`Type.field` of object types) the gate may refuse in this schema. */
  watched(schema: GraphQLSchema): ReadonlySet<string> | undefined;
  /**
   * Judges the operation's selections of watched fields for one request: at once when it can
   * (limits kept in this process), else a promise.
   */
  judge(input: GateInput): GateAnswer | Promise<GateAnswer>;
}
