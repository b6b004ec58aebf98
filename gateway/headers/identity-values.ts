/**
 * Header values taken from the verified caller (`core/identity.ts`): a field of the identity, a
 * claim by name or path, or every claim as JSON. Undefined when the caller is anonymous or the
 * value is absent: the header is then not set.
 */
import type { Identity } from '../../core/identity.ts';

export type IdentityValue = 'subject' | 'tenant' | 'plan' | 'scopes' | 'claims';

/** A field of `identity` as a header value. */
export function identityValue(identity: Identity | undefined, what: IdentityValue): string | undefined {
  if (identity === undefined) return undefined;
  switch (what) {
    case 'subject':
      return identity.subject;
    case 'tenant':
      return identity.tenant;
    case 'plan':
      return identity.plan;
    case 'scopes':
      return [...identity.scopes].join(' ');
    case 'claims':
      return asciiJson(identity.claims);
  }
}

/**
 * A claim as a header value: `claim` names a top-level claim (`https://example.com/roles` too),
 * a list is a path into nested objects. Strings as they are; numbers and booleans as text;
 * objects and lists as JSON.
 */
export function claimValue(
  identity: Identity | undefined,
  claim: string | readonly string[],
): string | undefined {
  if (identity === undefined) return undefined;
  let value: unknown = identity.claims;
  for (const key of typeof claim === 'string' ? [claim] : claim) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, key)) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[key];
  }
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return asciiJson(value);
}

/**
 * JSON in printable ASCII: every character outside U+0020..U+007E (only possible inside strings)
 * written as a `\uXXXX` escape, so any JSON parser reads the value back and it is a valid header
 * value whatever the claims hold.
 */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
