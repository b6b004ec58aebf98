/**
 * API keys: the config holds SHA-256 hashes, never keys. A presented key is hashed and compared
 * with every configured hash by `timingSafeEqual`, without stopping at a match, so the time taken
 * says nothing about which hash (or how much of one) it matched.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Identity } from '../../core/identity.ts';
import type { ApiKeysConfig } from '../config/auth-schema.ts';
import { AuthFailure, frozenSet } from './claims.ts';

export type ApiKeyLookup = (key: string) => Identity;

/** Computes the value of `apiKeys.keys[].sha256` for `key` (docs/security.md). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function createApiKeyLookup(config: ApiKeysConfig): ApiKeyLookup {
  const candidates = config.keys.map((key) => ({
    hash: Buffer.from(key.sha256, 'hex'),
    identity: Object.freeze({
      kind: 'api-key',
      subject: key.id,
      scopes: frozenSet(key.scopes),
      claims: Object.freeze({ sub: key.id, tenant: key.tenant, plan: key.plan, scope: key.scopes.join(' ') }),
      tenant: key.tenant,
      plan: key.plan,
      expiresAt: undefined,
    } satisfies Identity),
  }));
  return function lookupApiKey(key) {
    const presented = createHash('sha256').update(key, 'utf8').digest();
    let found: Identity | undefined;
    for (const candidate of candidates) {
      // Every candidate is compared, match or not.
      if (timingSafeEqual(presented, candidate.hash)) found = candidate.identity;
    }
    if (found === undefined) throw new AuthFailure('unknown API key');
    return found;
  };
}
