/**
 * Redaction: what a log line must never hold. Always: the values of credential headers
 * (`authorization`, `proxy-authorization`, `cookie`, `set-cookie`, `x-api-key`, and the headers
 * auth reads its token and API keys from) and of any key whose name ends with `token`, `secret`,
 * `password` or `apiKey` (case, `-` and `_` ignored: `accessToken`, `client_secret`), and of
 * keys naming sessions, private keys and credentials, at any depth; in an array, the string after
 * the name of a credential header (raw headers: `['Cookie', 'sid=...']`). Inside any string: JWTs,
 * `Bearer`/`Basic` credentials, a URL's userinfo (`https://user:pass@host` → `https://***@host`)
 * and the values of credential query parameters (`?access_token=`, `&sig=`...). Each string is
 * scanned only when a quick look finds what these need (`eyJ`, a scheme, `://`, `=`). Plus the
 * names and dotted paths of `logging.redact`. Errors become plain objects (name, message, code, stack, cause) on
 * the way, so both formats write them the same.
 */

export const REDACTED = '[REDACTED]';

const ALWAYS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'];
const SUFFIXES = ['token', 'secret', 'password', 'apikey', 'privatekey', 'sessionid'];
// Whole key names (after `normalise`) that hold a secret without one of the suffixes.
const NAMES = ['session', 'credentials', 'credential', 'passwd', 'pwd'];
// Deeper than any detail we log: past it, values are cut (and cycles end).
const MAX_DEPTH = 8;

// A JWT (header.payload.signature, the first two base64url JSON objects) anywhere in a string.
// It starts where no base64url character precedes it: without that, `eyJeyJeyJ...` would be
// tried from every `eyJ`, each scan to the end (quadratic in a request path the access log writes).
const JWT = /(?<![\w-])eyJ[\w-]*\.eyJ[\w-]*\.[\w-]*/g;
const SCHEME = /\b(Bearer|Basic)\s+[\w.~+/=-]+/gi;
const MAY_HOLD_SECRET = /eyJ|bearer|basic/i;
// A URL's userinfo: the scheme (at most 32 characters, so a long word costs no rescans), then
// everything up to an `@` before the host ends.
const USERINFO = /\b([a-z][a-z0-9+.-]{0,31}:\/\/)[^\s/?#@]*@/gi;
// The value of a credential query parameter (in a URL, or a query string alone).
const QUERY_SECRET =
  /([?&;](?:access_token|id_token|refresh_token|token|api_key|apikey|key|sig|signature|password|secret|code)=)[^&#\s"']*/gi;

export interface Redactor {
  /** A copy of `details` with every secret replaced (`details` is not changed). */
  details(details: Record<string, unknown>): Record<string, unknown>;
  /** `text` with JWTs and `Bearer`/`Basic` credentials masked. */
  text(text: string): string;
}

const normalise = (key: string) => key.toLowerCase().replace(/[-_]/g, '');

/** A redactor for the built-in keys and `extra` (names, or dotted paths from the details). */
export function createRedactor(extra: readonly string[] = []): Redactor {
  const names = new Set([...ALWAYS, ...NAMES, ...extra.filter((e) => !e.includes('.'))].map(normalise));
  const paths = new Set(extra.filter((e) => e.includes('.')));
  const secretKey = (key: string) => {
    const n = normalise(key);
    return names.has(n) || SUFFIXES.some((s) => n.endsWith(s));
  };

  const text = (value: string) => {
    let out = value;
    if (MAY_HOLD_SECRET.test(out)) out = out.replace(JWT, '[REDACTED JWT]').replace(SCHEME, `$1 ${REDACTED}`);
    if (out.includes('://') && out.includes('@')) out = out.replace(USERINFO, '$1***@');
    if (out.includes('=')) out = out.replace(QUERY_SECRET, `$1${REDACTED}`);
    return out;
  };

  const isSecretName = (value: unknown) =>
    typeof value === 'string' && value.length <= 64 && secretKey(value);

  const walk = (value: unknown, depth: number, path: string | undefined): unknown => {
    if (typeof value === 'string') return text(value);
    if (typeof value !== 'object' || value === null) return typeof value === 'bigint' ? String(value) : value;
    if (depth >= MAX_DEPTH) return '[…]';
    if (value instanceof Error) return errorObject(value, (v) => walk(v, depth + 1, undefined));
    if (Array.isArray(value))
      // Raw headers (`['Cookie', 'sid=...']`, names at even indexes): a credential header's value.
      return value.map((v, i) =>
        i % 2 === 1 && typeof v === 'string' && isSecretName(value[i - 1])
          ? REDACTED
          : walk(v, depth + 1, undefined),
      );
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
