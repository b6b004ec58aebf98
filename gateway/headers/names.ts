/**
 * Header names the header rules treat apart (stage: subgraph). A leaf: the config schema checks
 * rules against these sets at startup, the room applies them on every call.
 */
import { CORRELATION_HEADERS } from '../../core/outgoing-headers.ts';

/**
 * Never forwarded, whatever a rule says: hop-by-hop headers (RFC 9110 §7.6.1, and any name the
 * client lists in its `Connection` header), and those the gateway's HTTP client sets for each
 * call itself (the body's type and length, what it accepts, the host).
 */
const NEVER_FORWARDED = new Set([
  'accept',
  'accept-encoding',
  'connection',
  'content-encoding',
  'content-length',
  'content-type',
  'expect',
  'host',
  'http2-settings',
  'keep-alive',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
]);

/** True for a (lower-case) name no rule may forward or set: hop-by-hop, `proxy-*`, or the client's. */
export function isNeverForwarded(name: string): boolean {
  return NEVER_FORWARDED.has(name) || name.startsWith('proxy-');
}

/** The W3C trace context: forwarded on every call when the client sends a well-formed one. */
export const TRACEPARENT = 'traceparent';
export const TRACESTATE = 'tracestate';
/** The request id: the client's, or one generated per request; on every call and in the response. */
export const REQUEST_ID = 'x-request-id';

/** Forwarded by the gateway on every call (the correlation headers); no rule may name them. */
export const ALWAYS_FORWARDED: ReadonlySet<string> = CORRELATION_HEADERS;

/** The gateway's own namespace: a client's headers under it are never forwarded. */
export const GATEWAY_PREFIX = 'x-gatehouse-';

/** A token of RFC 9110: what a header name may hold. */
export { HEADER_NAME } from '../../core/header-name.ts';

/**
 * Credentials: never forwarded by a `propagate: { matching }` rule (a rule that names one with
 * `named` forwards it). With the headers the auth config reads a credential from.
 */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(['authorization', 'cookie']);
