/**
 * Who may act on the admin endpoint: a request with `Authorization: Bearer <admin.token>`
 * (compared by digest, in constant time), or, with `admin.scope`, a bearer JWT verified by the
 * auth room's verifier (`auth.jwt`) whose scopes hold that scope. Fails closed: no credential, a
 * wrong token or an invalid JWT is 401 UNAUTHENTICATED; a valid JWT without the scope is 403
 * FORBIDDEN; a JWT whose keys could not be fetched is 503 AUTH_PROVIDER_UNAVAILABLE. Challenges
 * follow RFC 6750 §3 (`invalid_token`, `insufficient_scope`).
 */
import { timingSafeEqual } from 'node:crypto';
import type { ErrorCode } from '../../core/errors.ts';
import type { BearerVerifier } from '../auth/index.ts';
import { digest } from './http.ts';

export interface GuardOptions {
  /** The admin token. @default none (only JWTs, with `scope`) */
  token?: string;
  /** The scope a JWT must hold to be accepted. @default none (only the token) */
  scope?: string;
  /** The auth room's JWT verifier; needed with `scope`. */
  verifyBearer?: BearerVerifier;
}

/** An admitted request: by the token, or by a JWT (its `sub`, when it has one). */
export type Admitted = { by: 'token' } | { by: 'jwt'; subject: string | undefined };

/** A refused request: its answer's code, message and headers; `reason` is for the log only. */
export interface Refused {
  code: ErrorCode;
  message: string;
  headers: Record<string, string>;
  reason: string;
}

export type Guard = (authorization: string | null) => Promise<Admitted | Refused>;

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
const REALM = 'Bearer realm="gatehouse-admin"';

export function createGuard(options: GuardOptions): Guard {
  const expected = options.token === undefined ? undefined : digest(options.token);
  const { scope } = options;
  const verify = scope === undefined ? undefined : options.verifyBearer;
  const wanted =
    expected === undefined
      ? `a JWT with the scope ${scope}`
      : verify === undefined
        ? 'the admin token'
        : `the admin token or a JWT with the scope ${scope}`;
  const unauthenticated = (message: string, reason: string, error = true): Refused => ({
    code: 'UNAUTHENTICATED',
    message,
    headers: { 'www-authenticate': error ? `${REALM}, error="invalid_token"` : REALM },
    reason,
  });
  const missing = unauthenticated(
    `the admin endpoint needs \`Authorization: Bearer <${wanted}>\``,
    'no bearer credential',
    false,
  );
  return async function guard(authorization) {
    const match = authorization === null ? null : BEARER.exec(authorization);
    if (match === null) return missing;
    const value = match[1] ?? '';
    if (expected !== undefined && timingSafeEqual(digest(value), expected)) return { by: 'token' };
    if (verify === undefined)
      return unauthenticated('the admin token sent is not the admin token', 'wrong admin token');
    const outcome = await verify(value);
    if ('failure' in outcome)
      return unauthenticated(`the bearer token is not ${wanted}`, `JWT refused: ${outcome.failure}`);
    if ('unavailable' in outcome)
      return {
        code: 'AUTH_PROVIDER_UNAVAILABLE',
        message: 'the JWT cannot be verified now',
        headers: { 'retry-after': String(outcome.retryAfter) },
        reason: outcome.unavailable,
      };
    if (!outcome.identity.scopes.has(scope!))
      return {
        code: 'FORBIDDEN',
        message: `the JWT is valid but lacks the scope ${scope}`,
        headers: { 'www-authenticate': `${REALM}, error="insufficient_scope", scope="${scope}"` },
        reason: `JWT of ${outcome.identity.subject ?? 'no subject'} without the scope`,
      };
    return { by: 'jwt', subject: outcome.identity.subject };
  };
}
