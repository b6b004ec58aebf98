/**
 * A verified identity is shared by every request with the same credential (the verification
 * cache; an API key's identity for the life of the process), so it is immutable to its last
 * nested claim: a named policy or a room that tries to change it (in strict code, every ES
 * module) gets a TypeError, and the next request sees what the credential says.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { createApiKeyLookup } from '../../gateway/auth/api-keys.ts';
import { identityFromClaims } from '../../gateway/auth/claims.ts';
import { hashApiKey } from '../../gateway/auth/index.ts';
import { createJwtVerifier } from '../../gateway/auth/jwt.ts';

const NAMES = { tenant: 'tenant', plan: 'plan' };

interface Claims {
  org: { id: string; roles: string[]; meta: { level: number } };
}

describe('verified identities are frozen whole', () => {
  it('a JWT identity: nested claims and scopes cannot be changed', async () => {
    const secret = new Uint8Array(32).fill(7);
    const verify = createJwtVerifier({
      keys: secret,
      algorithms: ['HS256'],
      clockTolerance: 5_000,
      claims: NAMES,
    });
    const token = await new SignJWT({ scope: 'read', org: { id: 'o1', roles: ['user'], meta: { level: 1 } } })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(secret);
    const identity = await verify(token);
    const claims = identity.claims as unknown as Claims;
    assert.throws(() => claims.org.roles.push('admin'), TypeError);
    assert.throws(() => {
      claims.org.meta.level = 9;
    }, TypeError);
    assert.throws(() => {
      claims.org.id = 'o2';
    }, TypeError);
    assert.throws(() => (identity.scopes as Set<string>).add('admin'), TypeError);
    assert.throws(() => (identity.scopes as Set<string>).clear(), TypeError);
    // Not even through Set's own methods: the set is held privately.
    assert.throws(() => Set.prototype.add.call(identity.scopes, 'admin'), TypeError);
    assert.deepEqual(claims.org, { id: 'o1', roles: ['user'], meta: { level: 1 } });
    assert.deepEqual([...identity.scopes], ['read']);
  });

  it('an introspected identity, however deep its answer nests', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 20_000; i++) deep = [deep];
    const identity = identityFromClaims('introspection', { active: true, sub: 's', deep }, NAMES);
    let node = identity.claims.deep as unknown[];
    for (let i = 0; i < 19_999; i++) node = node[0] as unknown[];
    assert.ok(Object.isFrozen(node));
    assert.throws(() => node.push('x'), TypeError);
  });

  it("an API key's identity (one for the life of the process)", () => {
    const lookup = createApiKeyLookup({
      header: 'x-api-key',
      keys: [{ id: 'k', sha256: hashApiKey('secret'), scopes: ['read'] }],
    } as never);
    const identity = lookup('secret');
    assert.throws(() => (identity.scopes as Set<string>).add('admin'), TypeError);
    assert.deepEqual([...lookup('secret').scopes], ['read']);
  });
});
