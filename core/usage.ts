/**
 * What the usage room records and `gatehouse check` reads: which recorded operations use which
 * schema coordinates. The usage room (gateway/usage) implements the reader over its store; the
 * check (gateway/registry/check) asks it which operations a change would break. A leaf: it
 * imports nothing, so both may depend on it without depending on each other.
 */

/** One recorded operation and how many times it ran within the usage window. */
export interface OperationUse {
  /** `<name>:<hash>`: the operation's name (`(anonymous)` without one) and a hash of its document. */
  operation: string;
  /** Times it ran within the window. */
  count: number;
  /** The operation's name, `(anonymous)` without one. */
  name?: string;
  /** The first 16 hex digits of the SHA-256 of the printed document. */
  hash?: string;
}

/** Reads recorded usage (memory or Redis), for `gatehouse check` and the admin API. */
export interface UsageReader {
  /**
   * For each coordinate asked, the recorded operations using it, most used first. A type
   * (`User`) matches operations using it or any of its fields (`User.name`); a field
   * (`User.name`) matches it and its arguments (`User.name(format:)`); `=Type` matches only
   * `Type` itself (an input object or enum given whole, by a variable); anything else matches
   * exactly. Coordinates no operation uses map to an empty list.
   */
  operationsUsing(coordinates: readonly string[]): Promise<Map<string, OperationUse[]>>;
  /** Distinct operations recorded within the window (0: usage is no evidence). */
  operationCount?(): Promise<number>;
}
