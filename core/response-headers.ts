/**
 * Response headers from the operation stage: a room adds them to a single result's
 * `extensions.http.headers`, which Yoga (and the JSON fast path) send as HTTP headers and never
 * in the body. A streamed result (an async iterable: `@defer` over `multipart/mixed` or
 * `text/event-stream`) gets them the same way, on the iterable itself: Yoga's stream processors
 * read `extensions.http` of the result they are given, once, for the response head (the parts
 * are sent as they come, without them). This file is a leaf: every room may depend on it.
 */
import type { ExecutionResult } from 'graphql';

type Extended = { extensions?: Record<string, unknown> };

/** `extensions` with `headers` added to its `http.headers`. */
function withHeaders(
  extensions: Record<string, unknown> | undefined,
  headers: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const http = (extensions?.http ?? {}) as { headers?: Record<string, string> };
  return { ...extensions, http: { ...http, headers: { ...http.headers, ...headers } } };
}

/**
 * `result` with `headers` added: a single result, or a streamed one (an iterable over the same
 * parts, carrying the headers); undefined for a batch (a list) or no result.
 */
export function withResponseHeaders(
  result: ExecutionResult | AsyncIterable<ExecutionResult> | readonly ExecutionResult[] | undefined,
  headers: Readonly<Record<string, string>>,
): ExecutionResult | AsyncIterable<ExecutionResult> | undefined {
  if (result === undefined || Array.isArray(result)) return undefined;
  if (Symbol.asyncIterator in (result as object)) {
    const stream = result as AsyncIterable<ExecutionResult> & Extended;
    // The parts are the stream's own (its iterator, with its `return` for a client that leaves).
    return {
      [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator](),
      extensions: withHeaders(stream.extensions, headers),
    } as AsyncIterable<ExecutionResult> & Extended;
  }
  const single = result as ExecutionResult;
  return { ...single, extensions: withHeaders(single.extensions, headers) };
}
