/**
 * The verification cache: what a credential proved, kept until it expires, so a token sent again
 * is not verified again. Bounded: past `maxEntries` the least recently used entry goes first.
 * Keys are the credential's `digest()` (44 characters, whatever the token's size), never the
 * credential itself: the caller computes it once per request and uses it for every lookup.
 * Process-wide by nature: a token proves the same thing on every request.
 */
import { hash } from 'node:crypto';
import type { Identity } from '../../core/identity.ts';

interface Entry<T> {
  value: T;
  /** Past this (ms since the epoch), the entry is not used. */
  until: number;
  /** What the verification relied on (a JWT's `kid`), for `drop`. */
  tag?: string;
}

export interface VerificationCache<T = Identity> {
  /** What the credential whose `digest()` is `key` proved, unless expired. */
  get(key: string): T | undefined;
  /**
   * Keeps `value` for the credential whose `digest()` is `key` until `until` (ms since the
   * epoch); `tag` names what the verification relied on (a JWT's `kid`, '' for a JWT without one).
   */
  set(key: string, value: T, until: number, tag?: string): void;
  /**
   * Forgets every entry whose tag `drop` returns true for (the keys they were verified with
   * are gone). A walk of the whole cache: it runs on a key rotation, not per request.
   */
  drop(which: (tag: string) => boolean): number;
  readonly size: number;
}

export function createVerificationCache<T = Identity>(
  maxEntries: number,
  now: () => number = Date.now,
): VerificationCache<T> {
  const entries = new Map<string, Entry<T>>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      entries.delete(key);
      if (entry.until <= now()) return undefined;
      // Moved to the end: the most recently used are evicted last.
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value, until, tag) {
      if (until <= now()) return;
      entries.delete(key);
      while (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(key, { value, until, tag });
    },
    drop(which) {
      let dropped = 0;
      for (const [key, entry] of entries) {
        if (entry.tag !== undefined && which(entry.tag)) {
          entries.delete(key);
          dropped++;
        }
      }
      return dropped;
    },
    get size() {
      return entries.size;
    },
  };
}

/** SHA-256 of `text`, as base64: the cache key (one-shot `hash`: no `Hash` object per call). */
export function digest(text: string): string {
  return hash('sha256', text, 'base64');
}
