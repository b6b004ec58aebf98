/**
 * The plan cache: prepared operations by key, least recently used first out, bounded by count
 * and by an estimate of their size in bytes. One cache per schema in service, so a new schema
 * starts empty and the old plans go with the old schema.
 */
export interface PlanCacheOptions {
  /** Most entries kept. @default 1000 */
  maxEntries: number;
  /** Most bytes kept, as estimated by each entry's `size`. @default 50 MiB */
  maxBytes: number;
}

export interface PlanCache<T> {
  get(key: string): T | undefined;
  /** Keeps `value` (of about `size` bytes) unless it alone is over `maxBytes`. */
  set(key: string, value: T, size: number): void;
  readonly size: number;
  readonly bytes: number;
}

export function createPlanCache<T>(options: PlanCacheOptions): PlanCache<T> {
  // A Map iterates in insertion order: re-inserting on a hit makes the first key the least recent.
  const entries = new Map<string, { value: T; size: number }>();
  let bytes = 0;
  return {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value, size) {
      const previous = entries.get(key);
      if (previous !== undefined) {
        entries.delete(key);
        bytes -= previous.size;
      }
      if (size > options.maxBytes) return;
      entries.set(key, { value, size });
      bytes += size;
      for (const [oldest, entry] of entries) {
        if (entries.size <= options.maxEntries && bytes <= options.maxBytes) break;
        entries.delete(oldest);
        bytes -= entry.size;
      }
    },
    get size() {
      return entries.size;
    },
    get bytes() {
      return bytes;
    },
  };
}
