/**
 * An order of use kept in links, for the bounded stores (rate-limit counters, cached answers):
 * the oldest first. Moving an entry to the end and taking the oldest are a few pointer writes,
 * with no Map re-insertion and no iterator held between calls (a Map iterator that does not move
 * keeps every table the Map has outgrown alive). This file is a leaf: it imports nothing of ours.
 */

/** The links an entry carries (its own fields: the list allocates nothing). */
export interface Linked<T> {
  older: T | undefined;
  newer: T | undefined;
}

export class UseOrder<T extends Linked<T>> {
  /** The entry used longest ago; undefined when empty. */
  oldest: T | undefined;
  #newest: T | undefined;

  /** Adds `item` (not in the list) as the newest. */
  append(item: T): void {
    item.older = this.#newest;
    item.newer = undefined;
    if (this.#newest === undefined) this.oldest = item;
    else this.#newest.newer = item;
    this.#newest = item;
  }

  /** Takes `item` (in the list) out. */
  unlink(item: T): void {
    if (item.older === undefined) this.oldest = item.newer;
    else item.older.newer = item.newer;
    if (item.newer === undefined) this.#newest = item.older;
    else item.newer.older = item.older;
    item.older = undefined;
    item.newer = undefined;
  }

  /** Makes `item` (in the list) the newest. */
  touch(item: T): void {
    if (item === this.#newest) return;
    this.unlink(item);
    this.append(item);
  }

  clear(): void {
    this.oldest = undefined;
    this.#newest = undefined;
  }
}
