/**
 * Redaction: what a log line must never hold. Always: the values of credential headers
 * (`authorization`, `proxy-authorization`, `cookie`, `set-cookie`, `x-api-key`, and the headers
 * auth reads its token and API keys from) and of any key whose name ends with `token`, `secret`,
 * `password` or `apiKey` (case, `-` and `_` ignored: `accessToken`, `client_secret`), at any
 * depth; JWTs and `Bearer`/`Basic` credentials inside any string. Plus the names and dotted
 * paths of `logging.redact`. Errors become plain objects (name, message, code, stack, cause) on
 * the way, so both formats write them the same.
 */

export const REDACTED = '[REDACTED]';

const ALWAYS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'];
const SUFFIXES = ['token', 'secret', 'password', 'apikey'];
// Deeper than any detail we log: past it, values are cut (and cycles end).
const MAX_DEPTH = 8;

// A JWT (header.payload.signature, the first two base64url JSON objects) anywhere in a string.
const JWT = /eyJ[\w-]*\.eyJ[\w-]*\.[\w-]*/g;
const SCHEME = /\b(Bearer|Basic)\s+[\w.~+/=-]+/gi;
const MAY_HOLD_SECRET = /eyJ|bearer|basic/i;

export interface Redactor {
  /** A copy of `details` with every secret replaced (`details` is not changed). */
  details(details: Record<string, unknown>): Record<string, unknown>;
  /** `text` with JWTs and `Bearer`/`Basic` credentials masked. */
  text(text: string): string;
}

const normalise = (key: string) => key.toLowerCase().replace(/[-_]/g, '');

/** A redactor for the built-in keys and `extra` (names, or dotted paths from the details). */
export function createRedactor(extra: readonly string[] = []): Redactor {
  const names = new Set([...ALWAYS, ...extra.filter((e) => !e.includes('.'))].map(normalise));
  const paths = new Set(extra.filter((e) => e.includes('.')));
  const secretKey = (key: string) => {
    const n = normalise(key);
    return names.has(n) || SUFFIXES.some((s) => n.endsWith(s));
  };

  const text = (value: string) =>
    MAY_HOLD_SECRET.test(value)
      ? value.replace(JWT, '[REDACTED JWT]').replace(SCHEME, `$1 ${REDACTED}`)
      : value;

  const walk = (value: unknown, depth: number, path: string | undefined): unknown => {
    if (typeof value === 'string') return text(value);
    if (typeof value !== 'object' || value === null) return typeof value === 'bigint' ? String(value) : value;
    if (depth >= MAX_DEPTH) return '[…]';
    if (value instanceof Error) return errorObject(value, (v) => walk(v, depth + 1, undefined));
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1, undefined));
    if (value instanceof Date) return value.toISOString();
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const at = path === undefined ? key : `${path}.${key}`;
      out[key] =
        secretKey(key) || paths.has(at) ? REDACTED : walk(v, depth + 1, paths.size > 0 ? at : undefined);
    }
    return out;
  };

  return {
    details: (details) => walk(details, 0, undefined) as Record<string, unknown>,
    text,
  };
}

/** An error as a plain object: what an operator needs, without Node's socket internals. */
function errorObject(error: Error, walk: (value: unknown) => unknown): Record<string, unknown> {
  // A system error (ECONNREFUSED, ENOTFOUND...) is told by its code and message; its stack is
  // Node's socket internals and would bury the line.
  const system = typeof (error as { syscall?: unknown }).syscall === 'string';
  const out: Record<string, unknown> = { name: error.name, message: walk(error.message) };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  if (!system && error.stack !== undefined) out.stack = walk(error.stack);
  // The underlying failure (a socket error under an upstream error).
  if (error.cause !== undefined) out.cause = walk(error.cause);
  return out;
}
