/**
 * One request's caller, from its credential (`extract.ts`): undefined when it carries none, an
 * identity when it proves one, an `AuthFailure` when it is invalid, an `AuthUnavailable` when the
 * identity provider could not be asked (neither: fails closed, never anonymous). Tokens go through the verification
 * cache first, so a token seen before costs a hash and a map lookup (the token's SHA-256 is
 * computed once per request, and keys the cache, the refusals and the verifications in flight); API keys cost a hash and
 * the comparisons, and are not cached. Concurrent requests with one token share one verification
 * in flight (keyed by its digest), and an introspection refusal is kept for
 * `auth.introspection.negativeCacheTtl`: a flood of one bogus opaque token costs the
 * authorization server one call, not one per request.
 *
 * A JWT verified with a key of the JWKS endpoint is cached with its `kid`: when a fetch of the
 * key set no longer holds that key, its tokens are dropped from the cache and verified again
 * (refused) at their next request. A token served from the cache also lets a stale key set be
 * fetched again (in the background), so a removal is noticed within `jwks.maxAge`.
 *
 * Every verification that actually runs is published on the `gatehouse:auth:verify` diagnostics
 * channel (`{ kind, ok }`), free when nobody listens: the seam tests and metrics count them by.
 */
import diagnostics from 'node:diagnostics_channel';
import { decodeProtectedHeader } from 'jose';
import type { Identity } from '../../core/identity.ts';
import { createVerificationCache, digest } from './cache.ts';
import { AuthFailure, AuthUnavailable } from './claims.ts';
import type { ResolvedAuth } from './config.ts';
import { extractCredential } from './extract.ts';
import { looksLikeJwt } from './jwt.ts';

export const VERIFY_CHANNEL = 'gatehouse:auth:verify';
const verifyChannel = diagnostics.channel(VERIFY_CHANNEL);

/** How long a verified token without `exp` is kept, in ms (it may be verified again after). */
const NO_EXP_CACHE_TIME = 600_000; // 10 min

export type Outcome = {
  identity?: Identity;
  failure?: AuthFailure;
  unavailable?: AuthUnavailable;
  anonymous?: true;
};

export type Authenticate = (headers: Headers) => Outcome | Promise<Outcome>;

export function createAuthenticate(auth: ResolvedAuth): Authenticate {
  const cache = createVerificationCache(auth.cacheSize);
  // Refusals by introspection, and calls it could not answer, kept briefly (bounded like the
  // cache): each one cost a call, and an authorization server that is down is not asked again
  // for each request.
  const refused = createVerificationCache<Outcome>(auth.cacheSize);
  // Verifications in flight, by token digest: process-wide, like the cache they fill.
  const inFlight = new Map<string, Promise<Outcome>>();
  // Bumped when keys leave the JWKS: a verification that began before must not be cached after.
  let keysGone = 0;
  auth.jwks?.onKeysGone((kids) => {
    keysGone++;
    // A token without `kid` may have been verified with any key of its type.
    cache.drop((kid) => kid === '' || kids.has(kid));
  });
  const publish = (kind: string, ok: boolean) => {
    if (verifyChannel.hasSubscribers) verifyChannel.publish({ kind, ok });
  };
  /** Verifies `token`, whose `digest()` is `key`, and caches what it proves. */
  const verify = async (token: string, key: string): Promise<Outcome> => {
    const useJwt = auth.jwt !== undefined && (auth.introspect === undefined || looksLikeJwt(token));
    const kind = useJwt ? 'jwt' : 'introspection';
    const keysGoneBefore = keysGone;
    try {
      let identity: Identity;
      let until: number;
      let tag: string | undefined;
      if (useJwt) {
        identity = await auth.jwt!(token);
        until = identity.expiresAt ?? Date.now() + NO_EXP_CACHE_TIME;
        if (auth.jwks !== undefined) tag = kidOf(token);
      } else if (auth.introspect !== undefined) {
        identity = await auth.introspect(token);
        until = Math.min(
          identity.expiresAt ?? Number.POSITIVE_INFINITY,
          Date.now() + auth.introspectionMaxAge,
        );
      } else {
        throw new AuthFailure('bearer token, but neither jwt nor introspection is configured');
      }
      publish(kind, true);
      if (keysGone === keysGoneBefore) cache.set(key, identity, until, tag);
      return { identity };
    } catch (error) {
      publish(kind, false);
      // jwt.ts wraps what the key lookup throws: a key set that could not be fetched is the cause.
      const unavailable =
        error instanceof AuthUnavailable
          ? error
          : error instanceof AuthFailure && error.cause instanceof AuthUnavailable
            ? error.cause
            : undefined;
      let outcome: Outcome;
      if (unavailable !== undefined) outcome = { unavailable };
      else if (error instanceof AuthFailure) outcome = { failure: error };
      else throw error;
      if (kind === 'introspection' && auth.introspectionNegativeTtl > 0)
        refused.set(key, outcome, Date.now() + auth.introspectionNegativeTtl);
      return outcome;
    }
  };
  /** One verification per token at a time: later requests wait for the one running. */
  const shared = (token: string, key: string): Promise<Outcome> => {
    let pending = inFlight.get(key);
    if (pending === undefined) {
      pending = verify(token, key).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  };

  return function authenticate(headers) {
    const credential = extractCredential(headers, auth.extract);
    if (credential === undefined) return ANONYMOUS;
    const value = credential.kind === 'bearer' ? credential.token : credential.key;
    if (value.length === 0) return { failure: new AuthFailure('empty credential') };
    // Before any parsing or hashing: a huge header costs nothing more.
    if (value.length > auth.maxTokenSize) return { failure: new AuthFailure('credential too large') };
    if (credential.kind === 'api-key') {
      try {
        const identity = auth.apiKeys!(value);
        publish('api-key', true);
        return { identity };
      } catch (error) {
        publish('api-key', false);
        if (error instanceof AuthFailure) return { failure: error };
        throw error;
      }
    }
    const key = digest(value);
    const cached = cache.get(key);
    if (cached !== undefined) {
      if (cached.kind === 'jwt') auth.jwks?.refreshIfStale();
      return { identity: cached };
    }
    const known = refused.size > 0 ? refused.get(key) : undefined;
    return known ?? shared(value, key);
  };
}

/** The `kid` of a verified JWT's header ('' without one). */
function kidOf(token: string): string {
  const { kid } = decodeProtectedHeader(token);
  return typeof kid === 'string' ? kid : '';
}

const ANONYMOUS: Outcome = Object.freeze({ anonymous: true });
