/**
 * One request's caller, from its credential (`extract.ts`): undefined when it carries none, an
 * identity when it proves one, an `AuthFailure` when it is invalid, an `AuthUnavailable` when the
 * identity provider could not be asked (neither: fails closed, never anonymous). Tokens go
 * through the verification cache first, so a token seen before costs a hash and a map lookup (the
 * token's SHA-256 is computed once per request, and keys the cache, the refusals and the
 * verifications in flight); API keys cost a hash and the comparisons, and are not cached. A JWT
 * whose key the key set has found before is verified at once, without a promise (jwt.ts `now`);
 * otherwise concurrent requests with one token share one verification in flight (keyed by its
 * digest), and an introspection refusal is kept for `auth.introspection.negativeCacheTtl`: a
 * flood of one bogus opaque token costs the authorization server one call, not one per request.
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
  /** What a verification proved: cached (unless keys left the JWKS meanwhile) and published. */
  const accepted = (kind: string, token: string, key: string, identity: Identity, keysGoneBefore: number) => {
    let until: number;
    let tag: string | undefined;
    if (kind === 'jwt') {
      until = identity.expiresAt ?? Date.now() + NO_EXP_CACHE_TIME;
      if (auth.jwks !== undefined) tag = kidOf(token);
    } else {
      until = Math.min(identity.expiresAt ?? Number.POSITIVE_INFINITY, Date.now() + auth.introspectionMaxAge);
    }
    publish(kind, true);
    if (keysGone === keysGoneBefore) cache.set(key, identity, until, tag);
    return { identity };
  };
  /** The outcome of a verification that threw `error`; an error that is not about the credential is thrown on. */
  const refusal = (kind: string, key: string, error: unknown): Outcome => {
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
  };
  /**
   * Verifies `token`, whose `digest()` is `key`, and caches what it proves: at once when the
   * verifier can answer at once (a JWT whose key is known), else one verification per token at a
   * time (later requests wait for the one running).
   */
  const verify = (token: string, key: string): Outcome | Promise<Outcome> => {
    const useJwt = auth.jwt !== undefined && (auth.introspect === undefined || looksLikeJwt(token));
    const kind = useJwt ? 'jwt' : 'introspection';
    const keysGoneBefore = keysGone;
    let verified: Identity | Promise<Identity>;
    try {
      if (useJwt) verified = auth.jwt!.now(token);
      else if (auth.introspect !== undefined) verified = auth.introspect(token);
      else throw new AuthFailure('bearer token, but neither jwt nor introspection is configured');
    } catch (error) {
      return refusal(kind, key, error);
    }
    if (!(verified instanceof Promise)) return accepted(kind, token, key, verified, keysGoneBefore);
    const pending = verified.then(
      (identity) => {
        inFlight.delete(key);
        return accepted(kind, token, key, identity, keysGoneBefore);
      },
      (error: unknown) => {
        inFlight.delete(key);
        return refusal(kind, key, error);
      },
    );
    inFlight.set(key, pending);
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
    return known ?? inFlight.get(key) ?? verify(value, key);
  };
}

/** The `kid` of a verified JWT's header ('' without one). */
function kidOf(token: string): string {
  const { kid } = decodeProtectedHeader(token);
  return typeof kid === 'string' ? kid : '';
}

const ANONYMOUS: Outcome = Object.freeze({ anonymous: true });
