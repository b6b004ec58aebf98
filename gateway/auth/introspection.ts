/**
 * OAuth 2.0 token introspection (RFC 7662) for opaque tokens: the token is POSTed to the
 * authorization server, which says whether it is `active` and what it grants. An answer
 * (HTTP 200, a JSON object) with `active: false`, an `exp` past, or another audience is a 401.
 * No answer (an unreachable server, a timeout, an HTTP error, a body that is not a JSON object or
 * is too large) fails closed too, but as `AuthUnavailable` (503): the token may be valid, the
 * gateway cannot tell. With `audience`, the answer's `aud` must name one of its values
 * (RFC 7662 §4: a token issued for another resource server is not for us). Answers are cached by
 * the caller (until `exp`, at most `maxAge`; refusals for `negativeCacheTtl`).
 */
import type { Identity } from '../../core/identity.ts';
import { readBounded } from './bounded-body.ts';
import { AuthFailure, AuthUnavailable, type ClaimNames, identityFromClaims } from './claims.ts';

export interface IntrospectionOptions {
  url: string;
  clientId?: string;
  clientSecret?: string;
  /** Deadline of one call, in ms. */
  timeout: number;
  /** Accepted `aud` values; absent: not checked. */
  audience?: string | readonly string[];
  claims: ClaimNames;
}

export type Introspector = (token: string) => Promise<Identity>;

// An introspection answer is a small JSON object.
const MAX_ANSWER_BYTES = 64 * 1024; // 64 KiB
// What a client refused for an unreachable authorization server is told to wait.
const RETRY_AFTER = 5; // s

export function createIntrospector(options: IntrospectionOptions): Introspector {
  const audiences =
    options.audience === undefined
      ? undefined
      : new Set(typeof options.audience === 'string' ? [options.audience] : options.audience);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (options.clientId !== undefined && options.clientSecret !== undefined) {
    // RFC 6749 §2.3.1: both parts form-encoded before base64.
    const user = `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(user).toString('base64')}`;
  }
  return async function introspect(token) {
    let answer: unknown;
    try {
      const response = await fetch(options.url, {
        method: 'POST',
        headers,
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
        signal: AbortSignal.timeout(options.timeout),
        redirect: 'error',
      });
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new Error(`introspection answered HTTP ${response.status}`);
      }
      const text = await readBounded(response, MAX_ANSWER_BYTES, 'the introspection answer');
      answer = JSON.parse(text);
    } catch (cause) {
      throw new AuthUnavailable('token introspection failed', RETRY_AFTER, { cause });
    }
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
      throw new AuthUnavailable('token introspection answered no JSON object', RETRY_AFTER);
    }
    if ((answer as { active?: unknown }).active !== true) throw new AuthFailure('inactive token');
    const claims = answer as Record<string, unknown>;
    if (typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now()) {
      throw new AuthFailure('introspected token expired');
    }
    if (audiences !== undefined) {
      const aud = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
      if (!aud.some((value) => typeof value === 'string' && audiences.has(value)))
        throw new AuthFailure('introspected token issued for another audience');
    }
    return identityFromClaims('introspection', claims, options.claims);
  };
}
