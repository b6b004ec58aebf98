/**
 * What the kept entities an operation was answered with say of its answer, for the response
 * cache: an answer made of an entity with 10 s of freshness left is fresh for 10 s at most, and
 * one made of a stale entity (standing in for a failed backend) is not to be kept at all. The
 * entity cache records each entity it serves against the operation's context; the response
 * cache reads it when it keeps the answer.
 */

export interface ServedFreshness {
  /** Seconds of freshness left in the least fresh entity served (whole seconds, rounded down). */
  readonly remaining: number;
  /** A stale entity was served. */
  readonly stale: boolean;
}

const served = new WeakMap<object, ServedFreshness>();

/** Records an entity served to the operation of `context`, `remaining` seconds from stale. */
export function recordServed(context: unknown, remaining: number): void {
  if (typeof context !== 'object' || context === null) return;
  const known = served.get(context);
  const stale = remaining <= 0 || known?.stale === true;
  const left = Math.max(0, Math.floor(Math.min(remaining, known?.remaining ?? Number.POSITIVE_INFINITY)));
  served.set(context, { remaining: left, stale });
}

/** What the entities served to the operation of `context` allow; undefined when none was. */
export function servedFreshness(context: unknown): ServedFreshness | undefined {
  return typeof context === 'object' && context !== null ? served.get(context) : undefined;
}
