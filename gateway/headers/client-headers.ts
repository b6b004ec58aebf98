/**
 * The client headers that header rules may forward: every header of the client request but the
 * hop-by-hop ones (and any the client names in its `Connection` header), the correlation headers
 * (forwarded on their own, `correlation.ts`), the gateway's `x-gatehouse-*` namespace and the
 * headers some rule sets from the caller's identity: a client's copy of those is dropped here,
 * before any rule runs, so no `propagate` rule (`matching` included) can let it through.
 */
import { ALWAYS_FORWARDED, GATEWAY_PREFIX, isNeverForwarded } from './names.ts';

export function forwardableHeaders(
  headers: Headers,
  fromIdentity: ReadonlySet<string>,
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
    if (
      isNeverForwarded(name) ||
      listed.has(name) ||
      ALWAYS_FORWARDED.has(name) ||
      name.startsWith(GATEWAY_PREFIX) ||
      fromIdentity.has(name)
    ) {
      continue;
    }
    out.set(name, value);
  }
  return out;
}
