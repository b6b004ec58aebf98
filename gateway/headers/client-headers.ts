/**
 * The client headers that header rules may forward: every header of the client request but the
 * hop-by-hop ones (and any the client names in its `Connection` header), the correlation headers
 * (forwarded on their own, `correlation.ts`), the gateway's `x-gatehouse-*` namespace and the
 * headers some rule sets (`insert`, from the caller's identity or a fixed value): a client's copy
 * of those is dropped here, before any rule runs, so no `propagate` rule (`matching` included)
 * can let it through, nor send it beside the gateway's value.
 *
 * Names are compared as many backends read them: CGI-style servers (WSGI, Rack, PHP) map `-` and
 * `_` (and other punctuation) alike (`x_user_id` and `x-user-id` are both `HTTP_X_USER_ID`), so
 * a client's `x_user_id` is dropped like its `x-user-id`.
 */
import { ALWAYS_FORWARDED, GATEWAY_PREFIX, isNeverForwarded } from './names.ts';

/** A header name as a CGI-style backend reads it: lower case, punctuation as `-`. */
export const canonicalName = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '-');
const GATEWAY_CANONICAL = canonicalName(GATEWAY_PREFIX);

/** `inserted`: the names rules insert (any source), as `canonicalName` gives them. */
export function forwardableHeaders(
  headers: Headers,
  inserted: ReadonlySet<string>,
): ReadonlyMap<string, string> {
  const listed = new Set(
    (headers.get('connection') ?? '')
      .split(',')
      .map((token) => token.trim().toLowerCase())
      .filter((token) => token !== ''),
  );
  const out = new Map<string, string>();
  for (const [raw, value] of headers) {
    // Lower-cased here: some Headers implementations (whatwg-node's) keep the client's case.
    const name = raw.toLowerCase();
    const canonical = canonicalName(name);
    if (
      isNeverForwarded(name) ||
      listed.has(name) ||
      ALWAYS_FORWARDED.has(name) ||
      canonical.startsWith(GATEWAY_CANONICAL) ||
      inserted.has(canonical)
    ) {
      continue;
    }
    out.set(name, value);
  }
  return out;
}
