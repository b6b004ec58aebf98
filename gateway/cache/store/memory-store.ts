/**
 * The embedded cache store (the default): entries in this process, bounded by bytes. Each entry
 * counts the length of its body and key (two bytes a character, as V8 may hold them) plus a fixed
 * overhead; past `maxBytes` the least recently used go first. An expired entry is dropped when it
 * is read. An entry larger than the whole store is not kept.
 *
 * Use order is kept in links (the least recently used first): a read moves its entry to the end
 * without touching the Map, and eviction takes the first entry without walking anything.
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
  set(key: string, entry: CacheEntry, ttlMs: number, tags?: readonly string[]): void;
  purge(tags: readonly string[]): number;
  lock(name: string, ttlMs: number): CacheLock | undefined;
  /** Bytes counted for the entries kept. */
  readonly bytes: number;
  readonly size: number;
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

export function createMemoryCacheStore(options: MemoryCacheStoreOptions): MemoryCacheStore {
  const { maxBytes } = options;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1)
    throw new TypeError(`maxBytes must be a positive integer, not ${maxBytes}`);
  const now = options.now ?? Date.now;
  const kept = new Map<string, Kept>();
  const order = new UseOrder<Kept>();
  const tagged = new Map<string, Set<string>>();
  const locks = new Map<string, number>();
  let bytes = 0;

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
    set(key, entry, ttlMs, tags = []) {
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
      bytes = 0;
    },
  };
}
