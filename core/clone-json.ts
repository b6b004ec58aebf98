/**
 * A structural copy of a JSON-like tree: every array and plain object is new, every other value
 * (strings, numbers, booleans, null, and the rare class instance an in-process subgraph returns,
 * such as a BigInt) is kept as it is. Used where several callers share one upstream answer and
 * each may change its own in place (the plan engine merges answers into its result tree).
 */
export function cloneJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const copy = new Array(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = cloneJson(value[i]);
    return copy as T;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const copy: Record<string, unknown> = proto === null ? Object.create(null) : {};
  for (const key in value) copy[key] = cloneJson((value as Record<string, unknown>)[key]);
  return copy as T;
}
