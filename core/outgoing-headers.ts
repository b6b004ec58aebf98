/**
 * Headers that one subgraph call carries beyond the subgraph's configured `headers` (stage:
 * subgraph): a room that forwards or computes headers per call (the caller's identity, a tenant)
 * sets them with `withHeaders` in a step placed before dedup; the HTTP transport sends them, and
 * the dedup step keys shared calls on them, so two callers with different headers never share.
 */
import type { ExecutionRequest } from '@graphql-tools/utils';
import { requestTable } from './request-table.ts';

/** Headers one call carries, from its request (and its context: the client's request). */
export type HeaderRule = (request: ExecutionRequest) => Record<string, string> | undefined;

const headers = requestTable<Readonly<Record<string, string>>>();

/** What `outgoingHeaders` returns for a call without headers of its own. */
export const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/** Adds `values` to the headers of `request` (names lower-cased, later values win); returns it. */
export function withHeaders<T extends ExecutionRequest>(request: T, values: Record<string, string>): T {
  const merged: Record<string, string> = { ...headers.get(request) };
  for (const [name, value] of Object.entries(values)) merged[name.toLowerCase()] = value;
  headers.set(request, merged);
  return request;
}

/** The headers set on `request` (or on the request it was derived from) by `withHeaders`. */
export function outgoingHeaders(request: ExecutionRequest): Readonly<Record<string, string>> {
  return headers.get(request) ?? NO_HEADERS;
}
