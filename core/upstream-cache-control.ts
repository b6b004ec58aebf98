/**
 * What a subgraph's `Cache-Control` answer header says, kept beside its parsed answer and folded
 * over every call of one client operation (by its context, which delegations to plain GraphQL
 * services pass on): the HTTP transport records it, the cache reads it when
 * `cache.subgraphCacheControl: cap`. A leaf: it imports nothing of ours, so the transport and the
 * cache room may both depend on it.
 */

export interface UpstreamCacheControl {
  /** Seconds the answer may be kept (`s-maxage` over `max-age`); undefined when unsaid. */
  readonly maxAge: number | undefined;
  /** `no-store` or `no-cache`: not to be kept. */
  readonly noStore: boolean;
  /** `private`: the answer is its caller's. */
  readonly private: boolean;
}

const recorded = new WeakMap<object, UpstreamCacheControl>();
const byOperation = new WeakMap<object, UpstreamCacheControl>();

/** Reads a `Cache-Control` value (directives are case-insensitive; unknown ones are ignored). */
export function parseCacheControl(header: string): UpstreamCacheControl {
  let maxAge: number | undefined;
  let shared: number | undefined;
  let noStore = false;
  let isPrivate = false;
  for (const part of header.split(',')) {
    const [rawName, rawValue] = part.split('=', 2);
    const name = rawName?.trim().toLowerCase() ?? '';
    const value = rawValue?.trim().replace(/^"|"$/g, '');
    const seconds = value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
    if (name === 'no-store' || name === 'no-cache') noStore = true;
    else if (name === 'private') isPrivate = true;
    else if (name === 'max-age' && seconds !== undefined) maxAge = Math.min(maxAge ?? seconds, seconds);
    else if (name === 's-maxage' && seconds !== undefined) shared = seconds;
  }
  return { maxAge: shared ?? maxAge, noStore, private: isPrivate };
}

/**
 * Records the header of the answer `result` was parsed from (nothing when it had none), and folds
 * it into what the calls of the operation of `context` said.
 */
export function recordCacheControl(
  result: object,
  header: string | string[] | undefined,
  context: unknown,
): void {
  if (header === undefined) return;
  const said = parseCacheControl(Array.isArray(header) ? header.join(',') : header);
  recorded.set(result, said);
  if (typeof context === 'object' && context !== null)
    byOperation.set(context, strictestCacheControl(byOperation.get(context), said));
}

/** Gives `copy` (of a shared call's answer) what `result`'s answer said. */
export function copyCacheControl(result: object, copy: object): void {
  const said = recorded.get(result);
  if (said !== undefined) recorded.set(copy, said);
}

/** Folds what `result`'s answer said into the operation of `context` (a caller sharing a call). */
export function foldCacheControl(result: object, context: unknown): void {
  const said = recorded.get(result);
  if (said !== undefined && typeof context === 'object' && context !== null)
    byOperation.set(context, strictestCacheControl(byOperation.get(context), said));
}

/** What the calls of the operation of `context` said, folded; undefined when none said anything. */
export function operationCacheControl(context: unknown): UpstreamCacheControl | undefined {
  return typeof context === 'object' && context !== null ? byOperation.get(context) : undefined;
}

/** What the header of `result`'s answer said; undefined when it had none. */
export function cacheControlOf(result: object): UpstreamCacheControl | undefined {
  return recorded.get(result);
}

/** Both at once: the smaller maxAge, either's no-store and private. */
export function strictestCacheControl(
  a: UpstreamCacheControl | undefined,
  b: UpstreamCacheControl,
): UpstreamCacheControl {
  if (a === undefined) return b;
  const maxAge =
    a.maxAge === undefined ? b.maxAge : b.maxAge === undefined ? a.maxAge : Math.min(a.maxAge, b.maxAge);
  return { maxAge, noStore: a.noStore || b.noStore, private: a.private || b.private };
}
