/**
 * What the response cache says over HTTP: `Cache-Control` from the operation's policy
 * (`max-age=60, public`; `private` for an answer that depends on its caller; the stale windows
 * of RFC 5861 when configured, so that a CDN serves stale answers as the gateway does; `no-store` for an
 * answer that is not cacheable), `Age` for an answer served from the cache, a weak `ETag` of the
 * answer's data (the bytes sent may add extensions a later room computes, such as a cost), and the
 * `If-None-Match` comparison that turns a `GET` for an answer the client holds into a 304 (RFC
 * 9110 13.1.2: the weak comparison; `*` is not honoured, so that nobody learns whether an answer
 * to someone else's operation is kept).
 */
import { createHash } from 'node:crypto';

export const NO_STORE: Readonly<Record<string, string>> = Object.freeze({ 'Cache-Control': 'no-store' });

/** A weak validator of `body`: its SHA-256, quoted. */
export function etagOf(body: string): string {
  return `W/"${createHash('sha256').update(body).digest('base64url')}"`;
}

export interface HttpPolicy {
  maxAge: number;
  /**
   * A shared HTTP cache (a CDN) may keep it: `public`. False (`private`) for an answer that is a
   * caller's (a `PRIVATE` policy, answers kept per caller) or that comes from a request carrying
   * a credential or headers the subgraphs see: a shared cache would serve it to others.
   */
  shared: boolean;
  /** Seconds past `maxAge` a cache may serve it while it refreshes it (RFC 5861). @default 0 */
  staleWhileRevalidate?: number;
  /** Seconds past `maxAge` a cache may serve it when the origin fails (RFC 5861). @default 0 */
  staleIfError?: number;
}

/** The headers of a cacheable answer, `ageSeconds` old (undefined when just made). */
export function cacheHeaders(
  policy: HttpPolicy,
  etag: string,
  ageSeconds: number | undefined,
  vary: readonly string[],
): Record<string, string> {
  let control = `max-age=${policy.maxAge}, ${policy.shared ? 'public' : 'private'}`;
  if (policy.maxAge > 0 && (policy.staleWhileRevalidate ?? 0) > 0)
    control += `, stale-while-revalidate=${policy.staleWhileRevalidate}`;
  if (policy.maxAge > 0 && (policy.staleIfError ?? 0) > 0)
    control += `, stale-if-error=${policy.staleIfError}`;
  const headers: Record<string, string> = { 'Cache-Control': control, ETag: etag };
  if (ageSeconds !== undefined) headers.Age = String(ageSeconds);
  if (vary.length > 0) headers.Vary = vary.join(', ');
  return headers;
}

const opaque = (tag: string) => (tag.startsWith('W/') ? tag.slice(2) : tag);

/** Whether an `If-None-Match` value names `etag` (weak comparison). */
export function matchesIfNoneMatch(header: string | null, etag: string): boolean {
  if (header === null) return false;
  const wanted = opaque(etag);
  for (const item of header.split(',')) if (opaque(item.trim()) === wanted) return true;
  return false;
}
