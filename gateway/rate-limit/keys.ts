/**
 * The counter a request is counted in, per limit: the limit's name and the values of its `by`
 * sources (`per-client|ip=10.0.0.1`). A source the caller lacks (an anonymous caller under `sub`,
 * a missing header) is replaced by the client address (`whenMissing: ip`), so callers without it
 * never share one counter with everyone else, or leaves the request out of the limit
 * (`whenMissing: skip`). Values are length-bounded and escaped so no value can forge another key.
 */
import { createHash } from 'node:crypto';
import type { Identity } from '../../core/identity.ts';

/** What the key of one request is made from. */
export interface KeyInput {
  identity: Identity | undefined;
  address: string;
  headers: Headers;
}

/** Longest value kept as written; a longer one (a huge header) is replaced by its hash. */
const MAX_VALUE = 64;

/** The key of a request; undefined when the limit does not apply to it (`whenMissing: skip`). */
export type KeyOf = (input: KeyInput) => string | undefined;

export function createKeyOf(
  name: string,
  sources: readonly string[],
  whenMissing: 'ip' | 'skip' = 'ip',
): KeyOf {
  const suffix = createKeySuffix(sources, whenMissing);
  return (input) => {
    const values = suffix(input);
    return values === undefined ? undefined : name + values;
  };
}

/**
 * What follows a limit's name in its key (`|ip=10.0.0.1`): the values of its `by` sources, the
 * same for every limit counted by the same sources (field limits compute it once per request).
 */
export function createKeySuffix(sources: readonly string[], whenMissing: 'ip' | 'skip' = 'ip'): KeyOf {
  const part = (label: string, value: string | undefined, input: KeyInput): string | undefined => {
    if (value === undefined || value === '') return whenMissing === 'ip' ? `ip=${input.address}` : undefined;
    return `${label}=${safe(value)}`;
  };
  const parts = sources.map((source): ((input: KeyInput) => string | undefined) => {
    switch (source) {
      case 'global':
        return () => 'global';
      case 'ip':
        return (input) => `ip=${input.address}`;
      case 'sub':
        return (input) => part('sub', input.identity?.subject, input);
      case 'tenant':
        return (input) => part('tenant', input.identity?.tenant, input);
      case 'apiKey':
        return (input) =>
          part('apiKey', input.identity?.kind === 'api-key' ? input.identity.subject : undefined, input);
      default: {
        const header = source.slice('header:'.length);
        // `h:` keeps a header named `ip` (or `sub`) from posing as the address part.
        return (input) => part(`h:${header}`, input.headers.get(header) ?? undefined, input);
      }
    }
  });
  return (input) => {
    let key = '';
    for (const p of parts) {
      const value = p(input);
      if (value === undefined) return undefined;
      key += `|${value}`;
    }
    return key;
  };
}

/**
 * A value as a key part: `|` and `=` separate parts and `{` `}` would pick a Redis Cluster hash
 * slot, so they are escaped; a value longer than MAX_VALUE is its SHA-256 (two values never share
 * a counter by a common beginning, and keys stay short).
 */
function safe(value: string): string {
  if (value.length > MAX_VALUE) return `#${createHash('sha256').update(value).digest('base64url')}`;
  return value.replace(/[%|={}#]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
}
