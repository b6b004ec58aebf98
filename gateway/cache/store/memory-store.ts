/**
 * The embedded cache store (the default): entries in this process, bounded by bytes. Each entry
 * counts the length of its body and key (two bytes a character, as V8 may hold them) plus a fixed
 * overhead; past `maxBytes` the least recently used go first. An expired entry is dropped when it
 * is read. An entry larger than the whole store is not kept.
 */
import type { CacheEntry, CacheStore } from './types.ts';

export interface MemoryCacheStoreOptions {
  maxBytes: number;
  /** The clock, in ms (tests pass a fake one). @default Date.now */
  now?: () => number;
}

interface Kept {
  entry: CacheEntry;
  expiresAt: number;
  bytes: number;
}

/** Bytes counted per entry beyond its key and body (the records around them). */
const OVERHEAD = 200;

/** The memory store answers at once. */
export interface MemoryCacheStore extends CacheStore {
  get(key: string): CacheEntry | undefined;
  set(key: string, entry: CacheEntry, ttlMs: number): void;
  /** Bytes counted for the entries kept. */
  readonly bytes: number;
  readonly size: number;
}

export function createMemoryCacheStore(options: MemoryCacheStoreOptions): MemoryCacheStore {
  const { maxBytes } = options;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1)
    throw new TypeError(`maxBytes must be a positive integer, not ${maxBytes}`);
  const now = options.now ?? Date.now;
  // Insertion order is use order: a read or written key is moved to the end.
  const kept = new Map<string, Kept>();
  let bytes = 0;
  // Eviction goes on from where it stopped: a Map iterator stays valid as keys are deleted and
  // added (a fresh one would walk the slots of every key moved or deleted before it).
  let oldest: Iterator<[string, Kept]> = kept.entries();

  const drop = (key: string, item: Kept) => {
    kept.delete(key);
    bytes -= item.bytes;
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
        drop(key, item);
        return undefined;
      }
      kept.delete(key);
      kept.set(key, item);
      return item.entry;
    },
    set(key, entry, ttlMs) {
      const size = OVERHEAD + 2 * (key.length + entry.body.length + entry.etag.length);
      const known = kept.get(key);
      if (known !== undefined) drop(key, known);
      if (size > maxBytes || ttlMs <= 0) return;
      while (bytes + size > maxBytes && kept.size > 0) {
        let next = oldest.next();
        if (next.done) {
          oldest = kept.entries();
          next = oldest.next();
          if (next.done) break;
        }
        const [oldKey, item] = next.value;
        if (kept.get(oldKey) === item) drop(oldKey, item);
      }
      kept.set(key, { entry, expiresAt: now() + ttlMs, bytes: size });
      bytes += size;
    },
    async close() {
      kept.clear();
      bytes = 0;
      oldest = kept.entries();
    },
  };
}
