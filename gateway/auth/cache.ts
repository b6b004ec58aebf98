/**
 * The verification cache: what a credential proved, kept until it expires, so a token sent again
 * is not verified again. Bounded: past `maxEntries` the least recently used entry goes first.
 * Keys are SHA-256 digests of the credential (32 bytes each, whatever the token's size), never
 * the credential itself. Process-wide by nature: a token proves the same thing on every request.
 */
import { createHash } from 'node:crypto';
import type { Identity } from '../../core/identity.ts';

interface Entry<T> {
  value: T;
  /** Past this (ms since the epoch), the entry is not used. */
  until: number;
}

export interface VerificationCache<T = Identity> {
  get(credential: string): T | undefined;
  /** Keeps `value` for `credential` until `until` (ms since the epoch). */
  set(credential: string, value: T, until: number): void;
  readonly size: number;
}

export function createVerificationCache<T = Identity>(
  maxEntries: number,
  now: () => number = Date.now,
): VerificationCache<T> {
  const entries = new Map<string, Entry<T>>();
  return {
    get(credential) {
      const key = digest(credential);
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      entries.delete(key);
      if (entry.until <= now()) return undefined;
      // Moved to the end: the most recently used are evicted last.
      entries.set(key, entry);
      return entry.value;
    },
    set(credential, value, until) {
      if (until <= now()) return;
      const key = digest(credential);
      entries.delete(key);
      while (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(key, { value, until });
    },
    get size() {
      return entries.size;
    },
  };
}

/** SHA-256 of `text`, as base64 (the cache key, and how API keys are matched). */
export function digest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}
