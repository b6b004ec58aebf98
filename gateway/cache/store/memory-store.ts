/**
 * The embedded cache store (the default): entries in this process, bounded by bytes. Each entry
 * counts the length of its body and key (two bytes a character, as V8 may hold them) plus a fixed
 * overhead; past `maxBytes` the least recently used go first. An expired entry is dropped when it
 * is read. An entry larger than the whole store is not kept.
 *
 * Use order is kept in links (the least recently used first): a read moves its entry to the end
 * without touching the Map, and eviction takes the first entry without walking anything.
 *
 * Purges are fenced (the port's `startedAt` contract): each tag's last purge time is remembered,
 * and `set` refuses an entry from a run begun at or before a purge of one of its tags (`set` and
 * `purge` are synchronous, so a check is never overtaken). Purge times are remembered for
 * `PURGES_REMEMBERED_MS` (1 h) and `MAX_PURGES` (100,000) at most, the oldest forgotten first
 * (about 100 bytes each, outside `maxBytes`); forgetting one raises a floor that refuses every
 * run begun at or before it, so a forgotten purge never lets an older run's entry in. An entry
 * with tags from a run begun an hour ago or more is refused outright, as by the Redis store.
 */
import { type Linked, UseOrder } from '../../../core/use-order.ts';
import type { CacheEntry, CacheLock, CacheStore } from './types.ts';

export interface MemoryCacheStoreOptions {
  maxBytes: number;
  /** The clock, in ms (tests pass a fake one). @default Date.now */
  now?: () => number;
}

/** The memory store answers at once. */
export interface MemoryCacheStore extends CacheStore {
  get(key: string): CacheEntry | undefined;
  /** As `CacheStore.set`; `tags` default to none, `startedAt` to now. */
  set(key: string, entry: CacheEntry, ttlMs: number, tags?: readonly string[], startedAt?: number): void;
  purge(tags: readonly string[]): number;
  lock(name: string, ttlMs: number): CacheLock | undefined;
  /** Bytes counted for the entries kept. */
  readonly bytes: number;
  readonly size: number;
  /** Purge times remembered (one per tag; `MAX_PURGES` at most). */
  readonly purges: number;
}

interface Kept extends Linked<Kept> {
  key: string;
  entry: CacheEntry;
  expiresAt: number;
  bytes: number;
  tags: readonly string[];
}

/** Bytes counted per entry beyond its key and body (the records around them). */
const OVERHEAD = 200;
/** Bytes counted per tag of an entry beyond its text (its place in the tag's Set). */
const TAG_OVERHEAD = 64;
/** Locks held before expired ones are swept. */
const MAX_LOCKS = 1024;
/** How long a tag's purge time is remembered, in ms (as in the Redis store). */
export const PURGES_REMEMBERED_MS = 3_600_000; // 1 h
/** Purge times remembered at most (one per tag). */
export const MAX_PURGES = 100_000;

export function createMemoryCacheStore(options: MemoryCacheStoreOptions): MemoryCacheStore {
  const { maxBytes } = options;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1)
    throw new TypeError(`maxBytes must be a positive integer, not ${maxBytes}`);
  const now = options.now ?? Date.now;
  const kept = new Map<string, Kept>();
  const order = new UseOrder<Kept>();
  const tagged = new Map<string, Set<string>>();
  const locks = new Map<string, number>();
  /** Each tag's last purge time, in the order they were made (a tag purged again moves last). */
  const purged = new Map<string, number>();
  /** The latest purge time forgotten: runs begun at or before it are refused. */
  let floor = Number.NEGATIVE_INFINITY;
  let bytes = 0;

  /** Whether a run begun at `startedAt` may have missed a purge of one of `tags`. */
  const fenced = (tags: readonly string[], startedAt: number, at: number) => {
    if (startedAt <= floor || at - startedAt >= PURGES_REMEMBERED_MS) return tags.length > 0;
    for (const tag of tags) if ((purged.get(tag) ?? Number.NEGATIVE_INFINITY) >= startedAt) return true;
    return false;
  };

  const drop = (item: Kept) => {
    order.unlink(item);
    kept.delete(item.key);
    bytes -= item.bytes;
    for (const tag of item.tags) {
      const keys = tagged.get(tag);
      if (keys === undefined) continue;
      keys.delete(item.key);
      if (keys.size === 0) tagged.delete(tag);
    }
  };

  return {
    kind: 'memory',
    get bytes() {
      return bytes;
    },
    get size() {
      return kept.size;
    },
    get purges() {
      return purged.size;
    },
    get(key) {
      const item = kept.get(key);
      if (item === undefined) return undefined;
      if (item.expiresAt <= now()) {
        drop(item);
        return undefined;
      }
      order.touch(item);
      return item.entry;
    },
    set(key, entry, ttlMs, tags = [], startedAt = now()) {
      if (fenced(tags, startedAt, now())) return;
      let size = OVERHEAD + 2 * (key.length + entry.body.length + entry.etag.length);
      for (const tag of tags) size += TAG_OVERHEAD + 2 * tag.length;
      const known = kept.get(key);
      if (known !== undefined) drop(known);
      if (size > maxBytes || ttlMs <= 0) return;
      while (bytes + size > maxBytes && order.oldest !== undefined) drop(order.oldest);
      const item: Kept = {
        key,
        entry,
        expiresAt: now() + ttlMs,
        bytes: size,
        tags,
        older: undefined,
        newer: undefined,
      };
      kept.set(key, item);
      order.append(item);
      bytes += size;
      for (const tag of tags) {
        let keys = tagged.get(tag);
        if (keys === undefined) {
          keys = new Set();
          tagged.set(tag, keys);
        }
        keys.add(key);
      }
    },
    purge(tags) {
      const at = now();
      for (const tag of tags) {
        purged.delete(tag);
        purged.set(tag, at);
      }
      for (const [tag, time] of purged) {
        if (purged.size <= MAX_PURGES && time > at - PURGES_REMEMBERED_MS) break;
        purged.delete(tag);
        floor = Math.max(floor, time);
      }
      let dropped = 0;
      for (const tag of tags) {
        const keys = tagged.get(tag);
        if (keys === undefined) continue;
        for (const key of [...keys]) {
          const item = kept.get(key);
          if (item === undefined) continue;
          drop(item);
          dropped++;
        }
      }
      return dropped;
    },
    lock(name, ttlMs) {
      const at = now();
      const heldUntil = locks.get(name);
      if (heldUntil !== undefined && heldUntil > at) return undefined;
      // Locks not given back (their holder failed) are swept once they are many.
      if (locks.size >= MAX_LOCKS) for (const [held, until] of locks) if (until <= at) locks.delete(held);
      const until = at + ttlMs;
      locks.set(name, until);
      return {
        release() {
          if (locks.get(name) === until) locks.delete(name);
        },
      };
    },
    async close() {
      kept.clear();
      order.clear();
      tagged.clear();
      locks.clear();
      purged.clear();
      floor = Number.NEGATIVE_INFINITY;
      bytes = 0;
    },
  };
}
