/**
 * A JWT whose key the key set has found before is verified at once (`now` answers without a
 * promise): the identity, or an AuthFailure thrown, with the same checks as the lookup path. A
 * token whose `alg` and `kid` the set has not answered yet is looked up (a promise), and one with
 * a `kid` the set lacks stays refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { fileKeySet } from '../../gateway/auth/jwks.ts';
import { createJwtVerifier } from '../../gateway/auth/jwt.ts';

const claims = { iss: 'https://issuer.example', aud: 'api', sub: 'user-1' };

describe('JWTs with a known key', () => {
  it('are verified at once once the key set has answered their alg and kid', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const other = await generateKeyPair('RS256');
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-known-key-'));
    try {
      const file = join(dir, 'jwks.json');
      writeFileSync(
        file,
        JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }] }),
      );
      const { getKey, known } = fileKeySet(file, ['RS256']);
      const verify = createJwtVerifier({
        keys: getKey,
        known,
        algorithms: ['RS256'],
        issuer: claims.iss,
        audience: claims.aud,
        clockTolerance: 5_000,
        claims: { tenant: 'tenant', plan: 'plan' },
      });
      const sign = (kid: string, key = privateKey, payload: Record<string, unknown> = claims) =>
        new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid }).setExpirationTime('5m').sign(key);

      const first = verify.now(await sign('k1'));
      assert.ok(first instanceof Promise, 'the first token of a kid is looked up');
      assert.equal((await first).subject, 'user-1');
      const second = verify.now(await sign('k1', privateKey, { ...claims, sub: 'user-2' }));
      assert.ok(!(second instanceof Promise), 'the key is known now');
      assert.equal(second.subject, 'user-2');

      // The same checks, thrown at once: another key's signature, a changed payload, a bad claim.
      assert.throws(() => verify.now('not-a-jwt'), { name: 'AuthFailure' });
      const forgedBy = await sign('k1', other.privateKey);
      assert.throws(() => verify.now(forgedBy), { name: 'AuthFailure' });
      const [header, , signature] = (await sign('k1')).split('.');
      const payload = Buffer.from(JSON.stringify({ ...claims, sub: 'admin', exp: 9e9 })).toString(
        'base64url',
      );
      assert.throws(() => verify.now(`${header}.${payload}.${signature}`), { name: 'AuthFailure' });
      const wrongAudience = await sign('k1', privateKey, { ...claims, aud: 'other' });
      assert.throws(() => verify.now(wrongAudience), { name: 'AuthFailure' });

      // A kid the set lacks is looked up, and refused.
      const unknown = verify.now(await sign('k2'));
      assert.ok(unknown instanceof Promise);
      await assert.rejects(unknown, { name: 'AuthFailure' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
