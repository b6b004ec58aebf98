/**
 * A bearer JWT checked on its own, outside a GraphQL request, for the rooms that accept the
 * gateway's JWTs at an endpoint of their own (the admin endpoint with `admin.scope`). It is the
 * auth room's verifier (`auth.jwt`: the keys and their one JWKS cache, the algorithms, issuer,
 * audience, `typ`, expiry), without the request cache: such requests are few. Fails closed: a
 * token that cannot be verified because the key set could not be fetched is `unavailable`,
 * never accepted.
 */
import type { Identity } from '../../core/identity.ts';
import { AuthFailure, AuthUnavailable } from './claims.ts';
import type { JwtVerifier } from './jwt.ts';

/** What a bearer JWT proved: the caller, or why it was refused, or that it could not be verified now. */
export type BearerOutcome =
  | { identity: Identity }
  | { failure: string }
  | { unavailable: string; retryAfter: number };

/** Verifies one bearer JWT (never rejects: every outcome is a value). */
export type BearerVerifier = (token: string) => Promise<BearerOutcome>;

export function bearerVerifier(jwt: JwtVerifier): BearerVerifier {
  return async function verifyBearer(token) {
    try {
      return { identity: await jwt.now(token) };
    } catch (error) {
      // jwt.ts wraps what the key lookup throws: a key set that could not be fetched is the cause.
      const unavailable =
        error instanceof AuthUnavailable
          ? error
          : error instanceof AuthFailure && error.cause instanceof AuthUnavailable
            ? error.cause
            : undefined;
      if (unavailable !== undefined)
        return { unavailable: unavailable.message, retryAfter: unavailable.retryAfter };
      if (error instanceof AuthFailure) return { failure: error.message };
      throw error;
    }
  };
}
