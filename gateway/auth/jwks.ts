/**
 * Where JWT verification keys come from: a JWKS endpoint, a local JWKS file, or a shared secret.
 *
 * Not jose's `createRemoteJWKSet`: once its cache is older than `cacheMaxAge` it fetches again
 * before every lookup and throws when that fetch fails, so an issuer whose JWKS endpoint is down
 * would lock every caller out, keys already known included. Ours keeps the last good set while
 * fetches fail (trying again at most once per cool-down), fetches again on a `kid` it lacks (at
 * most once per cool-down, so tokens with made-up `kid`s cannot make it hammer the issuer),
 * refreshes a stale set in the background (a hanging endpoint holds no request up), and shares
 * one fetch among the requests that wait for it. Keys are matched by jose's local key set
 * (`kid`, `alg` and key type), never taken from the token (`jwk`, `jku`, `x5u`, `x5c` ignored).
 * A fetch that no longer holds a `kid` (or holds another key under it) tells its listeners, so
 * that tokens verified with the old key stop being served from the verification cache.
 */
import { readFileSync } from 'node:fs';
import {
  type CompactJWSHeaderParameters,
  createLocalJWKSet,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  errors as joseErrors,
} from 'jose';
import { GatehouseError } from '../../core/errors.ts';
import type { Logger } from '../logger/index.ts';
import { readBounded } from './bounded-body.ts';
import { AuthUnavailable } from './claims.ts';

/** A key source for `jwtVerify`: a key (or a key lookup) for a token's protected header. */
export type KeySource = JWTVerifyGetKey | Uint8Array;

/**
 * The key a key set's lookup answered for a token's `alg` and `kid` before, at once; undefined
 * when it has not (ask the lookup). jose picks a key set's key by those two alone, so the answer
 * is the one the lookup would give, for as long as the set is the same.
 */
export type KnownKey = (alg: string, kid: unknown) => unknown;

/** A key set: the lookup for `jwtVerify`, and the keys it has found, for `known` to answer at once. */
export interface KeySet {
  getKey: JWTVerifyGetKey;
  known: KnownKey;
}

/**
 * `lookup` (one key set's), remembering the key it answers for each `alg` and `kid`. Bounded by
 * the set: only a lookup that found its one key is remembered (a `kid` must be one of the set's).
 */
function remembering(lookup: JWTVerifyGetKey): KeySet {
  const found = new Map<string, unknown>();
  return {
    getKey: async function rememberedKey(header, token) {
      const key = await lookup(header, token);
      const name = keyName(header.alg, header.kid);
      if (name !== undefined) found.set(name, key);
      return key;
    },
    known: (alg, kid) => {
      const name = keyName(alg, kid);
      return name === undefined ? undefined : found.get(name);
    },
  };
}

/** What a lookup is remembered under; undefined for a header jose would not match a key with. */
function keyName(alg: unknown, kid: unknown): string | undefined {
  if (typeof alg !== 'string') return undefined;
  if (kid === undefined) return alg;
  return typeof kid === 'string' ? `${alg} ${kid}` : undefined;
}

export interface RemoteKeySetOptions {
  url: string;
  /** Deadline of one fetch, in ms. */
  timeout: number;
  /** Age past which the set is fetched again, in ms. */
  maxAge: number;
  /** Least time between two fetches not caused by age (unknown `kid`, a failed fetch), in ms. */
  cooldown: number;
  logger: Logger;
  /** Aborted when the gateway closes: a fetch in flight stops. */
  signal?: AbortSignal;
  /** @default Date.now */
  now?: () => number;
}

// A key set is a few kilobytes; anything far larger is not one.
const MAX_JWKS_BYTES = 1024 * 1024; // 1 MiB

export interface RemoteKeySet {
  /** The key for a token's header, for `jwtVerify`. */
  getKey: JWTVerifyGetKey;
  /** A key found before in the set in hand (a stale set is fetched again in the background). */
  known: KnownKey;
  /** Fetches the set again in the background if it is stale (a token served from a cache). */
  refreshIfStale(): void;
  /**
   * `listener` is called with the `kid`s a fetch no longer holds, or holds another key under
   * ('' for keys without a `kid`).
   */
  onKeysGone(listener: (kids: ReadonlySet<string>) => void): void;
}

/** A JWKS endpoint's keys, cached (see the file's comment). */
export function remoteKeySet(options: RemoteKeySetOptions): RemoteKeySet {
  const now = options.now ?? Date.now;
  let local: KeySet | undefined;
  // Each key of the set in hand, by `kid`, as JSON: what a new set is compared with.
  let known = new Map<string, string>();
  const listeners: Array<(kids: ReadonlySet<string>) => void> = [];
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let attemptedAt = Number.NEGATIVE_INFINITY;
  let pending: Promise<void> | undefined;

  const replace = (jwks: JSONWebKeySet) => {
    const next = new Map<string, string>();
    for (const key of jwks.keys) {
      const kid = key.kid ?? '';
      next.set(kid, (next.get(kid) ?? '') + JSON.stringify(key));
    }
    const gone = new Set([...known].filter(([kid, key]) => next.get(kid) !== key).map(([kid]) => kid));
    local = remembering(createLocalJWKSet(jwks));
    known = next;
    if (gone.size > 0) for (const listener of listeners) listener(gone);
  };

  /** Fetches the set once (shared by every caller waiting); a failure keeps the last good set. */
  const refresh = (): Promise<void> => {
    pending ??= (async () => {
      attemptedAt = now();
      try {
        replace(await fetchKeySet(options.url, options.timeout, options.signal));
        fetchedAt = now();
      } catch (error) {
        options.logger.warn('auth: fetching the JWKS failed; the last good key set stays in use', {
          url: options.url,
          error: error instanceof Error ? error.message : String(error),
        });
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };
  const mayFetch = () => now() - attemptedAt >= options.cooldown;
  // Stale: fetched again in the background; the set in hand serves meanwhile, so an endpoint
  // that hangs never holds requests up.
  const refreshIfStale = () => {
    if (local !== undefined && pending === undefined && now() - fetchedAt >= options.maxAge && mayFetch())
      void refresh();
  };

  const getKey = async function jwksKey(header: CompactJWSHeaderParameters, token: FlattenedJWSInput) {
    if (local === undefined) {
      // Nothing to verify with yet: wait for the fetch (one per cool-down while it fails).
      if (pending) await pending;
      else if (mayFetch()) await refresh();
    } else {
      refreshIfStale();
    }
    if (local === undefined) {
      // The token may be valid: nothing says otherwise until a fetch succeeds (a 503, not a 401).
      const wait = Math.max(1, Math.ceil((attemptedAt + options.cooldown - now()) / 1000));
      throw new AuthUnavailable('no key set could be fetched', wait);
    }
    try {
      return await local.getKey(header, token);
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw error;
      // A `kid` we lack: the issuer may have rotated its keys. At most one fetch per cool-down.
      if (pending) await pending;
      else if (mayFetch()) await refresh();
      else throw error;
      return local.getKey(header, token);
    }
  };
  const knownKey: KnownKey = (alg, kid) => {
    if (local === undefined) return undefined;
    refreshIfStale();
    return local.known(alg, kid);
  };
  return { getKey, known: knownKey, refreshIfStale, onKeysGone: (listener) => listeners.push(listener) };
}

async function fetchKeySet(url: string, timeout: number, closed?: AbortSignal): Promise<JSONWebKeySet> {
  const deadline = AbortSignal.timeout(timeout);
  const response = await fetch(url, {
    headers: { accept: 'application/json' },
    signal: closed ? AbortSignal.any([deadline, closed]) : deadline,
    redirect: 'error',
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`the JWKS endpoint answered HTTP ${response.status}`);
  }
  const text = await readBounded(response, MAX_JWKS_BYTES, 'the JWKS');
  const jwks = JSON.parse(text) as unknown;
  if (!isKeySet(jwks)) throw new Error('the JWKS endpoint did not answer a JSON Web Key Set');
  return jwks;
}

/**
 * A local JWKS file's keys, read once at startup; an unreadable file, or one none of whose keys
 * can verify an algorithm of `algorithms` (every token would be refused), is a startup error.
 */
export function fileKeySet(path: string, algorithms: readonly string[]): KeySet {
  let jwks: unknown;
  try {
    jwks = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new GatehouseError('CONFIG_INVALID', `cannot read the JWKS file ${path}`, [
      `auth.jwt.jwks.file: ${cause instanceof Error ? cause.message : String(cause)}`,
    ]);
  }
  if (!isKeySet(jwks)) {
    throw new GatehouseError('CONFIG_INVALID', `${path} is not a JSON Web Key Set`, [
      'auth.jwt.jwks.file: point it at a JSON file of the form { "keys": [ ... ] }',
    ]);
  }
  const privateKeys = jwks.keys.filter((key) => 'd' in key || key.kty === 'oct');
  if (privateKeys.length > 0) {
    throw new GatehouseError('CONFIG_INVALID', `${path} holds private or symmetric keys`, [
      'auth.jwt.jwks.file: keep only public keys in it (for a shared secret, use auth.jwt.jwks.secret)',
    ]);
  }
  if (!jwks.keys.some((key) => algorithms.some((alg) => keyFits(key, alg)))) {
    const kinds = [...new Set(jwks.keys.map((key) => [key.kty, key.crv].filter(Boolean).join(' ')))];
    throw new GatehouseError('CONFIG_INVALID', `no key in ${path} can verify ${algorithms.join(', ')}`, [
      `auth.jwt.algorithms: its keys are ${kinds.join(', ') || 'none'}; allow an algorithm of theirs (RSA: RS256, PS256...; EC P-256: ES256; OKP Ed25519: EdDSA), or add a key for ${algorithms.join(', ')}`,
    ]);
  }
  return remembering(createLocalJWKSet(jwks));
}

/** The key type (and curve) each signature algorithm needs. */
const ALGORITHM_KEYS: Record<string, { kty: string; crv?: readonly string[] }> = {
  RS256: { kty: 'RSA' },
  RS384: { kty: 'RSA' },
  RS512: { kty: 'RSA' },
  PS256: { kty: 'RSA' },
  PS384: { kty: 'RSA' },
  PS512: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: ['P-256'] },
  ES384: { kty: 'EC', crv: ['P-384'] },
  ES512: { kty: 'EC', crv: ['P-521'] },
  EdDSA: { kty: 'OKP', crv: ['Ed25519', 'Ed448'] },
  Ed25519: { kty: 'OKP', crv: ['Ed25519'] },
};

/** Whether `key` could verify a token signed with `alg` (its type, curve, `alg` and `use`). */
function keyFits(key: JSONWebKeySet['keys'][number], alg: string): boolean {
  const needs = ALGORITHM_KEYS[alg];
  // An algorithm this table does not know: left to jose, never refused here.
  if (needs === undefined) return true;
  if (key.kty !== needs.kty || (needs.crv && !needs.crv.includes(String(key.crv)))) return false;
  return (key.alg === undefined || key.alg === alg) && key.use !== 'enc';
}

function isKeySet(value: unknown): value is JSONWebKeySet {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { keys?: unknown }).keys) &&
    (value as { keys: unknown[] }).keys.every((key) => typeof key === 'object' && key !== null)
  );
}
