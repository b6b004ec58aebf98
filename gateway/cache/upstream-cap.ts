/**
 * `cache.subgraphCacheControl: cap`: what subgraphs say of their answers (`Cache-Control`, read by
 * the HTTP transport: core/upstream-cache-control.ts) caps what the gateway keeps. The response
 * cache keeps an answer for the smallest `max-age` (`s-maxage` first) of the calls of its
 * operation and its policy; the entity cache caps each call's entities by that call's header and
 * what the operation's calls said so far (a plain GraphQL service's calls are delegated: their
 * headers reach the operation, not the call). Nothing is kept
 * when one says `no-store` (or `no-cache`), nor when one says `private` of an entry every caller
 * would share. REST backends' headers are not read.
 */
import type { ExecutorWrapper } from '../../core/subgraph-call.ts';
import { foldCacheControl, type UpstreamCacheControl } from '../../core/upstream-cache-control.ts';

/**
 * Before dedup: each caller's operation gets what the answer of its call said, a call it shared
 * with another operation included (the transport records it for the leader's only).
 */
export const foldUpstreamCacheControl: ExecutorWrapper = (next) =>
  async function upstreamCacheControl(request) {
    const result = await next(request);
    foldCacheControl(result, request.context);
    return result;
  };

/** `maxAge` capped by `said`: 0 (not kept) for `no-store`, and for `private` of a shared entry. */
export function cappedMaxAge(
  maxAge: number,
  said: UpstreamCacheControl | undefined,
  shared: boolean,
): number {
  if (said === undefined) return maxAge;
  if (said.noStore || (said.private && shared)) return 0;
  return said.maxAge === undefined ? maxAge : Math.min(maxAge, said.maxAge);
}
