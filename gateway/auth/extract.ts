/**
 * Finding the credential of a request, in this order: `Authorization: Bearer <token>`, the
 * configured token header, the configured cookie, then the API key header. The first one present
 * is the request's credential: it is verified, and a failure is a 401, never anonymous. An
 * `Authorization` header of another scheme (`Basic`) is not ours and is left alone.
 */

export type Credential = { kind: 'bearer'; token: string } | { kind: 'api-key'; key: string };

export interface ExtractOptions {
  /** Header also read for a bearer token (with or without the `Bearer ` prefix). */
  tokenHeader?: string;
  /** Cookie also read for a bearer token. */
  tokenCookie?: string;
  /** Header carrying an API key; undefined when API keys are off. */
  apiKeyHeader?: string;
}

const BEARER = /^bearer(?:\s+|$)/i;

export function extractCredential(headers: Headers, options: ExtractOptions): Credential | undefined {
  const authorization = headers.get('authorization');
  if (authorization !== null && BEARER.test(authorization)) {
    return { kind: 'bearer', token: authorization.replace(BEARER, '').trim() };
  }
  if (options.tokenHeader !== undefined) {
    const value = headers.get(options.tokenHeader);
    if (value !== null) return { kind: 'bearer', token: value.replace(BEARER, '').trim() };
  }
  if (options.tokenCookie !== undefined) {
    const value = cookie(headers.get('cookie'), options.tokenCookie);
    if (value !== undefined) return { kind: 'bearer', token: value };
  }
  if (options.apiKeyHeader !== undefined) {
    const value = headers.get(options.apiKeyHeader);
    if (value !== null) return { kind: 'api-key', key: value.trim() };
  }
  return undefined;
}

/** The value of cookie `name` in a `Cookie` header (RFC 6265 §5.4), or undefined. */
export function cookie(header: string | null, name: string): string | undefined {
  if (header === null) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    const value = pair.slice(eq + 1).trim();
    return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  }
  return undefined;
}
