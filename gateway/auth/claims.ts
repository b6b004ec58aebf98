/**
 * The identity a set of verified claims stands for (JWT payload, introspection answer). It is
 * cached and shared by every request with the same token, so it is frozen whole when it is made:
 * its claims to the last nested value, its scopes too, so that no policy or room changes what a
 * later request sees.
 */
import type { Identity } from '../../core/identity.ts';

export interface ClaimNames {
  /** Claim holding the tenant. */
  tenant: string;
  /** Claim holding the caller's plan. */
  plan: string;
}

export class AuthFailure extends Error {
  override readonly name = 'AuthFailure';
}

/**
 * The credential could not be verified because the identity provider could not be asked (a JWKS
 * never fetched, introspection unreachable): neither valid nor invalid. Fails closed, as a 503.
 */
export class AuthUnavailable extends Error {
  override readonly name = 'AuthUnavailable';
  constructor(
    message: string,
    /** When asking again may work, in seconds (`Retry-After`). */
    readonly retryAfter: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function identityFromClaims(
  kind: Identity['kind'],
  claims: Record<string, unknown>,
  names: ClaimNames,
): Identity {
  const exp = claims.exp;
  return Object.freeze({
    kind,
    subject: typeof claims.sub === 'string' ? claims.sub : undefined,
    scopes: new ReadOnlySet(scopeList(claims)),
    // The claims are freshly parsed JSON (jose's payload, the introspection answer): frozen in place.
    claims: deepFreeze({ ...claims }),
    tenant: stringClaim(claims[names.tenant]),
    plan: stringClaim(claims[names.plan]),
    expiresAt: typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined,
  });
}

/** `scope` split on spaces (RFC 8693 §4.2), else `scp` (a list, or a string as `scope`). */
export function scopesOf(claims: Record<string, unknown>): ReadonlySet<string> {
  return new Set(scopeList(claims));
}

/** The scopes of `scopesOf`, as a list (duplicates included: a set drops them). */
function scopeList(claims: Record<string, unknown>): readonly string[] {
  const value = claims.scope ?? claims.scp;
  if (typeof value === 'string') return value.split(' ').filter((s) => s.length > 0);
  if (Array.isArray(value)) return value.filter((s): s is string => typeof s === 'string');
  return [];
}

function stringClaim(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/**
 * Freezes `value` and every object and array it holds. Iterative: an introspection answer may
 * nest thousands deep within its 64 KiB.
 */
export function deepFreeze<T>(value: T): T {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next !== 'object' || next === null || Object.isFrozen(next)) continue;
    Object.freeze(next);
    for (const child of Object.values(next)) pending.push(child);
  }
  return value;
}

/**
 * A read-only view of a set: the set itself is held privately, so nothing, not even
 * `Set.prototype.add.call(view, ...)`, can change it (a frozen `Set`, or a subclass whose `add`
 * throws, still can be changed so). One shape for every identity's scopes.
 */
class ReadOnlySet<T> implements ReadonlySet<T> {
  readonly #values: Set<T>;
  constructor(values: Iterable<T>) {
    this.#values = new Set(values);
    Object.freeze(this);
  }
  get size(): number {
    return this.#values.size;
  }
  has(value: T): boolean {
    return this.#values.has(value);
  }
  forEach(callback: (value: T, value2: T, set: ReadonlySet<T>) => void, thisArg?: unknown): void {
    for (const value of this.#values) callback.call(thisArg, value, value, this);
  }
  entries(): SetIterator<[T, T]> {
    return this.#values.entries();
  }
  keys(): SetIterator<T> {
    return this.#values.keys();
  }
  values(): SetIterator<T> {
    return this.#values.values();
  }
  [Symbol.iterator](): SetIterator<T> {
    return this.#values.values();
  }
}

/** A read-only set of `values`: no way to change it once made (see ReadOnlySet). */
export function frozenSet<T>(values: Iterable<T>): ReadonlySet<T> {
  return new ReadOnlySet(values);
}
