/**
 * Answers made from a kept entry: sent as kept (no parse, no serialisation), with what HTTP says
 * of them (`Cache-Control`, `ETag`, `Age`, `Vary`), as a 304 for a `GET` whose `If-None-Match`
 * names the entry, or with a `STALE_IF_ERROR` warning when it stands in for a failed run.
 */
import type { ExecutionResult } from 'graphql';
import { cacheHeaders, type HttpPolicy, matchesIfNoneMatch } from './http.ts';
import type { CacheEntry } from './store/types.ts';

/** Whole seconds since the entry was stored. */
export function ageOf(entry: CacheEntry, now: number): number {
  return Math.max(0, Math.floor((now - entry.storedAt) / 1000));
}

/** A kept answer for `request` (fresh, or stale while it is refreshed): a 304 when the client has it. */
export function fromEntry(
  entry: CacheEntry,
  request: Request,
  http: HttpPolicy,
  vary: readonly string[],
  now: number,
): ExecutionResult {
  const headers = cacheHeaders({ ...http, maxAge: entry.maxAge }, entry.etag, ageOf(entry, now), vary);
  // Only a GET (or HEAD) may be answered 304 (RFC 9110 13.1.2); a POST gets the answer.
  const conditional = request.method === 'GET' || request.method === 'HEAD';
  if (conditional && matchesIfNoneMatch(request.headers.get('if-none-match'), entry.etag))
    return { extensions: { http: { status: 304, headers } } };
  return servedFrom(entry.body, headers);
}

/** A stale answer served because a backend failed: as kept, with a warning and its age. */
export function staleAnswer(
  entry: CacheEntry,
  http: HttpPolicy,
  vary: readonly string[],
  now: number,
): ExecutionResult {
  const age = ageOf(entry, now);
  const headers = cacheHeaders({ shared: http.shared, maxAge: 0 }, entry.etag, age, vary);
  const warning = {
    code: 'STALE_IF_ERROR',
    message: `a backend failed: this answer is ${age} s old, from the cache`,
    age,
  };
  return servedFrom(entry.body, headers, { warnings: [warning] });
}

/** `result` with `warning` added to its `extensions.warnings` (a copy). */
export function withWarning(
  result: ExecutionResult,
  warning: { code: string; message: string },
): ExecutionResult {
  const warnings = [...((result.extensions?.warnings as unknown[] | undefined) ?? []), warning];
  return { ...result, extensions: { ...result.extensions, warnings } };
}

/**
 * An answer from the cache, written as it was kept: Yoga serialises a result through its own
 * `stringify` when it has one, so the kept JSON is sent without being parsed and serialised again.
 * Later rooms see a result without `data` (none reads it from an answer without errors) and may
 * add `errors` or `extensions` (a cost, headers): they are spliced after the kept `data`.
 */
function servedFrom(
  body: string,
  headers: Record<string, string>,
  extensions: Record<string, unknown> = {},
): ExecutionResult {
  const stringify = (result: ExecutionResult): string => {
    const extra: string[] = [];
    if (result.errors !== undefined && result.errors.length > 0)
      extra.push(`"errors":${JSON.stringify(result.errors)}`);
    if (result.extensions !== undefined && Object.keys(result.extensions).length > 0)
      extra.push(`"extensions":${JSON.stringify(result.extensions)}`);
    return extra.length === 0 ? body : `${body.slice(0, -1)},${extra.join(',')}}`;
  };
  return { extensions: { ...extensions, http: { headers } }, stringify } as ExecutionResult;
}
