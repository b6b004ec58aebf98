/**
 * Headers that one subgraph call carries beyond the subgraph's configured `headers` (stage:
 * subgraph): a room that forwards or computes headers per call (the caller's identity, a tenant)
 * sets them with `withHeaders` in a step placed before dedup; the HTTP transport sends them, and
 * the dedup step keys shared calls on them, so two callers with different headers never share.
 */
import type { ExecutionRequest } from '@graphql-tools/utils';
import { deriveRequest, requestTable } from './request-table.ts';

/** Headers one call carries, from its request (and its context: the client's request). */
export type HeaderRule = (request: ExecutionRequest) => Record<string, string> | undefined;

const headers = requestTable<Readonly<Record<string, string>>>();

/** What `outgoingHeaders` returns for a call without headers of its own. */
export const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

// On a call that several operations may share (set by the dedup step), as a property so that a
// copy made with spread keeps it: per-caller headers cannot be added there any more.
const SHARED: unique symbol = Symbol('gatehouse.sharedCall');

/** Marks `request` as a call shared by operations: `withHeaders` refuses it (and its copies). */
export function markShared<T extends ExecutionRequest>(request: T): T {
  (request as T & { [SHARED]?: true })[SHARED] = true;
  return request;
}

/**
 * Adds `values` to the headers of `request` (names lower-cased, later values win); returns it.
 * Throws on a call the dedup step may share between operations: headers that differ per caller
 * must be set before it (a room's `headers` hook), where they are part of the sharing key.
 */
export function withHeaders<T extends ExecutionRequest>(request: T, values: Record<string, string>): T {
  if ((request as T & { [SHARED]?: true })[SHARED]) {
    throw new Error(
      "withHeaders on a subgraph call after dedup: it may be shared by several operations; set per-call headers in a room's `headers` hook instead",
    );
  }
  const merged: Record<string, string> = { ...headers.get(request) };
  for (const [name, value] of Object.entries(values)) merged[name.toLowerCase()] = value;
  headers.set(request, merged);
  return request;
}

/** The headers set on `request` (or on the request it was derived from) by `withHeaders`. */
export function outgoingHeaders(request: ExecutionRequest): Readonly<Record<string, string>> {
  return headers.get(request) ?? NO_HEADERS;
}

/**
 * Correlation headers (the W3C trace context and the request id): set on each call like the
 * others, but not part of the key under which calls are shared (they differ on every client
 * request, so keying on them would share nothing). A shared call carries its first caller's.
 */
export const CORRELATION_HEADERS: ReadonlySet<string> = new Set([
  'traceparent',
  'tracestate',
  'x-request-id',
]);

/**
 * A copy of `request` whose call carries `traceparent` (the tracing room: the W3C trace context
 * naming the call's own span). Allowed after dedup, on a call shared by several operations, since
 * the correlation headers are no part of the sharing key; the other headers read through.
 */
export function withTraceparent<T extends ExecutionRequest>(request: T, traceparent: string): T {
  const derived = deriveRequest(request, { signal: request.signal }) as T;
  headers.set(derived, { ...headers.get(request), traceparent });
  return derived;
}

/** The headers that decide whether two calls may be shared, in name order; '' for none. */
export function sharingKey(values: Readonly<Record<string, string>>): string {
  const names = Object.keys(values).filter((name) => !CORRELATION_HEADERS.has(name));
  if (names.length === 0) return '';
  names.sort();
  return JSON.stringify(names.map((name) => [name, values[name]]));
}

// In-process subgraphs (REST, plain GraphQL) run their schema for each call; their resolvers make
// the HTTP calls. The call's headers ride on a root value made for that one execution, which
// graphql-js hands every resolver as `info.rootValue` (and delegation passes on as the request's
// `rootValue`): exact per call, whatever the context is shared with.
const rootHeaders = new WeakMap<object, Readonly<Record<string, string>>>();

/** A root value for running `request` in process that carries the call's headers. */
export function rootWithHeaders(request: ExecutionRequest): object {
  const base = request.rootValue;
  const root = typeof base === 'object' && base !== null ? { ...base } : {};
  rootHeaders.set(root, outgoingHeaders(request));
  return root;
}

/** The headers of the in-process call whose root value is `root` (NO_HEADERS for any other). */
export function headersOfRoot(root: unknown): Readonly<Record<string, string>> {
  return (typeof root === 'object' && root !== null && rootHeaders.get(root)) || NO_HEADERS;
}
