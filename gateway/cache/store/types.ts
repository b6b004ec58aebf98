/**
 * The port every cache store meets: the memory store (the default) and the Redis one. A store
 * keeps opaque entries by key, each for a time to live and listed under tags (the entity types
 * and keys, the operation an answer holds: purges name them); it never interprets them. It also
 * holds short locks, so that one refresh of an entry runs at a time (across replicas with Redis).
 *
 * A shared store is used through its guard (guarded-store.ts), whose reads and writes never throw
 * while it is out (the cache degrades to "no cache"): `get` answers undefined, `set` drops, `lock`
 * answers undefined (nobody refreshes), `purge` rejects (its caller must know the purge may not
 * have happened, or not all of it).
 */

/** One cached answer, as the response cache keeps it. */
export interface CacheEntry {
  /**
   * The kept JSON: an answer's (`{"data":...}`: answers with errors are not kept), a subgraph's
   * entity or root-call data (the entity cache).
   */
  body: string;
  /** When it was stored, in ms since the epoch (its `Age`). */
  storedAt: number;
  /** Seconds it is fresh for, from `storedAt`. */
  maxAge: number;
  /** A validator of `body`, quoted (`W/"..."`), for `ETag` and `If-None-Match`. */
  etag: string;
}

/** A lock taken with `CacheStore.lock`. */
export interface CacheLock {
  /** Gives it back before its time is over (a lock another holder took since is left alone). */
  release(): void | Promise<void>;
}

export interface CacheStore {
  /** `memory` or `redis`, for logs and metrics. */
  readonly kind: 'memory' | 'redis';
  /** The entry under `key`, or undefined (absent, expired, or the store could not answer). */
  get(key: string): CacheEntry | undefined | Promise<CacheEntry | undefined>;
  /**
   * Keeps `entry` under `key` for `ttlMs`, listed under each of `tags` (replacing what `key`
   * held, and its tags), unless one of its tags was purged at or after `startedAt` (ms since the
   * epoch: when the run that made the entry began, so it may hold what the purge removed). Once
   * a purge of a tag has returned, no entry made by a run begun before it is ever served.
   */
  set(
    key: string,
    entry: CacheEntry,
    ttlMs: number,
    tags: readonly string[],
    startedAt: number,
  ): void | Promise<void>;
  /** Drops every entry listed under any of `tags`; answers how many were dropped. */
  purge(tags: readonly string[]): number | Promise<number>;
  /**
   * Takes the lock `name` for `ttlMs` unless it is held: the lock, or undefined when someone
   * holds it (or the store could not answer).
   */
  lock(name: string, ttlMs: number): CacheLock | undefined | Promise<CacheLock | undefined>;
  /** Releases what the store holds. */
  close(): Promise<void>;
}
