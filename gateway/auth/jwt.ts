/**
 * JWT verification with jose: the signature with a key of the configured source, the algorithm
 * against the allowlist (jose refuses any other, `none` included, before looking for a key),
 * `iss`, `aud` and the `typ` header when configured, `exp` and `nbf` with the clock tolerance. A token with a
 * `crit` header is refused: no extension is understood here. Header parameters that carry keys
 * or point at them (`jwk`, `jku`, `x5u`, `x5c`) are never read: keys come from the source only.
 */
import { decodeProtectedHeader, jwtVerify } from 'jose';
import type { Identity } from '../../core/identity.ts';
import { AuthFailure, type ClaimNames, identityFromClaims } from './claims.ts';
import type { KeySource } from './jwks.ts';

export interface JwtVerifierOptions {
  keys: KeySource;
  algorithms: readonly string[];
  issuer?: string | readonly string[];
  audience?: string | readonly string[];
  /** The `typ` header required (`at+jwt`; jose ignores an `application/` prefix and case). */
  typ?: string;
  /** Leeway for `exp` and `nbf`, in ms. */
  clockTolerance: number;
  /** Refuse a token without `exp`. @default true */
  requireExp?: boolean;
  claims: ClaimNames;
}

export type JwtVerifier = (token: string) => Promise<Identity>;

/** A compact JWS: three base64url parts (the last may be empty only for `none`, refused anyway). */
export const looksLikeJwt = (token: string) => /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);

export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const verifyOptions = {
    algorithms: [...options.algorithms],
    issuer: typeof options.issuer === 'string' ? options.issuer : options.issuer && [...options.issuer],
    audience:
      typeof options.audience === 'string' ? options.audience : options.audience && [...options.audience],
    typ: options.typ,
    clockTolerance: options.clockTolerance / 1000, // jose takes seconds
    // A token without `exp` would be valid forever (and cached as such).
    requiredClaims: options.requireExp === false ? [] : ['exp'],
  };
  const keys = options.keys;
  return async function verifyJwt(token) {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch (cause) {
      throw new AuthFailure('malformed JWT header', { cause });
    }
    if (header.crit !== undefined) throw new AuthFailure('JWT with a crit header');
    try {
      const { payload } =
        keys instanceof Uint8Array
          ? await jwtVerify(token, keys, verifyOptions)
          : await jwtVerify(token, keys, verifyOptions);
      return identityFromClaims('jwt', payload, options.claims);
    } catch (cause) {
      throw new AuthFailure(cause instanceof Error ? `${cause.name}: ${cause.message}` : 'invalid JWT', {
        cause,
      });
    }
  };
}
