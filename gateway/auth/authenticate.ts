/**
 * One request's caller, from its credential (`extract.ts`): undefined when it carries none, an
 * identity when it proves one, an `AuthFailure` otherwise. Tokens go through the verification
 * cache first, so a token seen before costs a hash and a map lookup; API keys cost a hash and
 * the comparisons, and are not cached.
 *
 * Every verification that actually runs is published on the `gatehouse:auth:verify` diagnostics
 * channel (`{ kind, ok }`), free when nobody listens: the seam tests and metrics count them by.
 */
import diagnostics from 'node:diagnostics_channel';
import type { Identity } from '../../core/identity.ts';
import { createVerificationCache } from './cache.ts';
import { AuthFailure } from './claims.ts';
import type { ResolvedAuth } from './config.ts';
import { extractCredential } from './extract.ts';
import { looksLikeJwt } from './jwt.ts';

export const VERIFY_CHANNEL = 'gatehouse:auth:verify';
const verifyChannel = diagnostics.channel(VERIFY_CHANNEL);

/** How long a verified token without `exp` is kept, in ms (it may be verified again after). */
const NO_EXP_CACHE_TIME = 600_000; // 10 min

export type Outcome = { identity?: Identity; failure?: AuthFailure; anonymous?: true };

export type Authenticate = (headers: Headers) => Outcome | Promise<Outcome>;

export function createAuthenticate(auth: ResolvedAuth): Authenticate {
  const cache = createVerificationCache(auth.cacheSize);
  const publish = (kind: string, ok: boolean) => {
    if (verifyChannel.hasSubscribers) verifyChannel.publish({ kind, ok });
  };
  const verify = async (token: string): Promise<Outcome> => {
    const useJwt = auth.jwt !== undefined && (auth.introspect === undefined || looksLikeJwt(token));
    const kind = useJwt ? 'jwt' : 'introspection';
    try {
      let identity: Identity;
      let until: number;
      if (useJwt) {
        identity = await auth.jwt!(token);
        until = identity.expiresAt ?? Date.now() + NO_EXP_CACHE_TIME;
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
      cache.set(token, identity, until);
      return { identity };
    } catch (error) {
      publish(kind, false);
      if (error instanceof AuthFailure) return { failure: error };
      throw error;
    }
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
    const cached = cache.get(value);
    return cached !== undefined ? { identity: cached } : verify(value);
  };
}

const ANONYMOUS: Outcome = Object.freeze({ anonymous: true });
