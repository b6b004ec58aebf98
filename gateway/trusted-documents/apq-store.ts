/**
 * The APQ store: documents registered by clients, by lower-cased sha256, in memory and bounded
 * by count and by bytes of text (least recently used out first). Process-wide: one per gateway.
 */
export interface ApqStore {
  get(hash: string): string | undefined;
  set(hash: string, text: string): void;
  readonly size: number;
  readonly bytes: number;
}

export function createApqStore(options: { maxEntries: number; maxBytes: number }): ApqStore {
  // A Map iterates in insertion order: re-inserting on a hit makes the first key the least recent.
  const entries = new Map<string, string>();
  let bytes = 0;
  const drop = (hash: string) => {
    const text = entries.get(hash);
    if (text === undefined) return;
    entries.delete(hash);
    bytes -= Buffer.byteLength(text, 'utf8');
  };
  return {
    get(hash) {
      const text = entries.get(hash);
      if (text !== undefined) {
        entries.delete(hash);
        entries.set(hash, text);
      }
      return text;
    },
    set(hash, text) {
      const size = Buffer.byteLength(text, 'utf8');
      drop(hash);
      if (size > options.maxBytes) return;
      entries.set(hash, text);
      bytes += size;
      for (const oldest of entries.keys()) {
        if (entries.size <= options.maxEntries && bytes <= options.maxBytes) break;
        drop(oldest);
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
