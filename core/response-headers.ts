/**
 * Response headers from the operation stage: a room adds them to a single result's
 * `extensions.http.headers`, which Yoga (and the JSON fast path) send as HTTP headers and never
 * in the body. Streamed results (an async iterable) are left alone: their headers left with the
 * first part. This file is a leaf: every room may depend on it.
 */
import type { ExecutionResult } from 'graphql';

/** `result` with `headers` added, or undefined when it is not one single result. */
export function withResponseHeaders(
  result: ExecutionResult | AsyncIterable<ExecutionResult> | readonly ExecutionResult[] | undefined,
  headers: Readonly<Record<string, string>>,
): ExecutionResult | undefined {
  if (result === undefined || Array.isArray(result) || Symbol.asyncIterator in (result as object))
    return undefined;
  const single = result as ExecutionResult;
  const http = (single.extensions?.http ?? {}) as { headers?: Record<string, string> };
  return {
    ...single,
    extensions: { ...single.extensions, http: { ...http, headers: { ...http.headers, ...headers } } },
  };
}
