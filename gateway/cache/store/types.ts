/**
 * The port every cache store meets (the memory store, the default). A store keeps opaque entries
 * by key, each for a time to live; it never interprets them. Reads and writes never throw for a
 * store that is out (a shared store degrades to "no cache"): `get` answers undefined, `set` drops.
 */

/** One cached answer, as the response cache keeps it. */
export interface CacheEntry {
  /** The answer's JSON (`{"data":...}`: answers with errors are not kept). */
  body: string;
  /** When it was stored, in ms since the epoch (its `Age`). */
  storedAt: number;
  /** Seconds it is fresh for, from `storedAt`. */
  maxAge: number;
  /** A strong validator of `body`, quoted (`"..."`), for `ETag` and `If-None-Match`. */
  etag: string;
}

export interface CacheStore {
  /** `memory`, for logs and metrics. */
  readonly kind: 'memory';
  /** The entry under `key`, or undefined (absent, expired, or the store could not answer). */
  get(key: string): CacheEntry | undefined | Promise<CacheEntry | undefined>;
  /** Keeps `entry` under `key` for `ttlMs`. */
  set(key: string, entry: CacheEntry, ttlMs: number): void | Promise<void>;
  /** Releases what the store holds. */
  close(): Promise<void>;
}
