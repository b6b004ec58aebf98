/**
 * What the response cache says over HTTP: `Cache-Control` from the operation's policy
 * (`max-age=60, public`, `private`; `no-store` for an answer that is not cacheable), `Age` for an
 * answer served from the cache, a strong `ETag` of the answer's body, and the `If-None-Match`
 * comparison that turns a request for an answer the client holds into a 304 (RFC 9110 13.1.2: the
 * weak comparison, a `*` matching any).
 */
import { createHash } from 'node:crypto';
import type { CachePolicy } from './operation-policy.ts';

export const NO_STORE: Readonly<Record<string, string>> = Object.freeze({ 'Cache-Control': 'no-store' });

/** A strong validator of `body`: its SHA-256, quoted. */
export function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url')}"`;
}

/** The headers of a cacheable answer, `ageSeconds` old (0 when just made). */
export function cacheHeaders(
  policy: CachePolicy,
  etag: string,
  ageSeconds: number | undefined,
  vary: readonly string[],
): Record<string, string> {
  const headers: Record<string, string> = {
    'Cache-Control': `max-age=${policy.maxAge}, ${policy.scope === 'PRIVATE' ? 'private' : 'public'}`,
    ETag: etag,
  };
  if (ageSeconds !== undefined) headers.Age = String(ageSeconds);
  if (vary.length > 0) headers.Vary = vary.join(', ');
  return headers;
}

/** Whether an `If-None-Match` value names `etag` (or is `*`). */
export function matchesIfNoneMatch(header: string | null, etag: string): boolean {
  if (header === null) return false;
  for (const item of header.split(',')) {
    const tag = item.trim();
    if (tag === '*') return true;
    if ((tag.startsWith('W/') ? tag.slice(2) : tag) === etag) return true;
  }
  return false;
}
