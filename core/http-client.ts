/**
 * The upstream HTTP client's interface (stage: subgraph), shared by `schema/` (REST calls, SDL
 * and introspection fetches) and `gateway/http` (the undici implementation). Rooms and schema
 * builders depend on this, never on undici.
 */

import type { CallKind } from './subgraph-call.ts';

export interface UpstreamRequest {
  /** The subgraph this request is for; named in errors. */
  serviceName: string;
  url: string | URL;
  /** @default 'GET' */
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** End-to-end deadline in milliseconds. @default upstream.requestTimeout */
  timeout?: number;
  /** Aborts the request (for example when the client goes away). */
  signal?: AbortSignal;
  /**
   * What the request is for: a subgraph call's kind (`callKind`), or `health-check` for the
   * readiness probes. Interceptors may treat them differently. @default 'operation'
   */
  kind?: UpstreamCallKind;
  /**
   * Whether sending it twice does no harm, so it may be retried: true for a GraphQL query, false
   * for a mutation. Undefined: the method says (`upstream.retry.methods`; never POST).
   */
  idempotent?: boolean;
}

/** The kind of an upstream request: a subgraph call's kind, or a readiness probe. */
export type UpstreamCallKind = CallKind | 'health-check';

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The whole body, decoded as UTF-8. */
  body: string;
}

/** Sends one request; rejects with a catalogue error (code and `serviceName`) when it fails. */
export type SendRequest = (request: UpstreamRequest) => Promise<UpstreamResponse>;

export interface UpstreamClient {
  request: SendRequest;
  /** Closes every pooled connection; in-flight requests finish first. Calling it again is harmless. */
  close(): Promise<void>;
}

/**
 * One step around every HTTP call of the pooled client:
 * `(next) => function namedStep(request) { ... next(request) ... }`.
 *
 * Ours rather than undici's `Dispatcher.compose()`: an undici interceptor sees raw dispatch
 * options and a callback handler, one level below what per-origin rules need. This one sees the
 * request with its `serviceName` and deadline, the whole decoded response, and the catalogue error
 * of a failure (unreachable, timeout), which is what a breaker, metrics or header rules act on;
 * and it has the same shape as the subgraph pipeline's wrappers.
 */
export type HttpInterceptor = (next: SendRequest) => SendRequest;

/** Applies `interceptors` so that the first in the list is the outermost. */
export function composeInterceptors(
  interceptors: readonly HttpInterceptor[],
  send: SendRequest,
): SendRequest {
  return interceptors.reduceRight<SendRequest>((next, intercept) => intercept(next), send);
}
