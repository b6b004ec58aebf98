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

/** C0 controls but tab, and DEL: never sent, whatever their source (a line break splits headers). */
const CONTROL = /[^\t\x20-\x7e\u0080-\uffff]/;
/** What a value from identity is sent as is: printable ASCII (and tab) but `%`. */
const AS_IS = /^[\t\x20-\x24\x26-\x7e]*$/;
const utf8 = new TextEncoder();

/**
 * A value from identity as a header value: undefined when it holds a line break or another
 * control character (refused). Otherwise percent-encoded when it holds anything but printable
 * ASCII (RFC 8187 style, as in `filename*`): each character outside printable ASCII and each `%`
 * written as the `%XX` of its UTF-8 bytes, so `decodeURIComponent` gives back the value
 * (`José` is `Jos%C3%A9`; printable ASCII without `%` is unchanged).
 */
export function encodeIdentityValue(value: string): string | undefined {
  if (CONTROL.test(value)) return undefined;
  if (AS_IS.test(value)) return value;
  return value.replace(/[^\t\x20-\x24\x26-\x7e]+/g, (run) => {
    let out = '';
    for (const byte of utf8.encode(run)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    return out;
  });
}
