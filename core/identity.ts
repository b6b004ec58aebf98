/**
 * Who is calling (set at the request stage, read by every later one). The auth room verifies a
 * JWT, an API key or an introspected token once per request and records the result against the
 * client's `Request`; field policies, header rules and rate limits read it from there. A request
 * without a recorded identity is anonymous. This file is a leaf: it imports nothing of ours, so
 * every room may depend on it.
 */

/** A verified caller. Frozen by whoever sets it. */
export interface Identity {
  /** How it was established. */
  readonly kind: 'jwt' | 'api-key' | 'introspection';
  /** The token's `sub`, or the API key's id; undefined when the credential names no subject. */
  readonly subject: string | undefined;
  /** Granted scopes: the `scope` claim split on spaces (or `scp`), or the API key's. */
  readonly scopes: ReadonlySet<string>;
  /** The verified claims (for an API key: its configured identity as claims). */
  readonly claims: Readonly<Record<string, unknown>>;
  /** The tenant the caller acts for, when the credential says (a claim or the API key's). */
  readonly tenant: string | undefined;
  /** The caller's plan (for rate limits and demand control), when the credential says. */
  readonly plan: string | undefined;
  /** When the credential stops being valid (ms since the epoch), when it says. */
  readonly expiresAt: number | undefined;
}

const identities = new WeakMap<Request, Identity>();

/** Records `identity` as the caller of `request` (the auth room, once per request). */
export function setIdentity(request: Request, identity: Identity): void {
  identities.set(request, identity);
}

/** The caller of `request`; undefined when anonymous (or the request is unknown). */
export function identityOf(request: Request | undefined): Identity | undefined {
  return request === undefined ? undefined : identities.get(request);
}

/** The client's `Request` of a GraphQL context (Yoga puts it at `context.request`). */
export function requestOf(context: unknown): Request | undefined {
  if (typeof context !== 'object' || context === null) return undefined;
  const request = (context as { request?: unknown }).request;
  return request instanceof Object && 'headers' in request ? (request as Request) : undefined;
}
