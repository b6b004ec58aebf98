/**
 * The JWT signature checked with node:crypto (`gateway/auth/signature.ts`) for the asymmetric
 * algorithms: a valid token of each passes, a changed payload or another key's signature fails,
 * and a key it must not judge (HMAC, another algorithm's, RSA under 2048 bits) is left to jose,
 * which refuses what it always refused.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { createJwtVerifier } from '../../gateway/auth/jwt.ts';
import { createSignatureCheck } from '../../gateway/auth/signature.ts';

const ALGORITHMS = ['RS256', 'RS512', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
const claims = { iss: 'https://issuer.example', aud: 'api', sub: 'user-1' };

async function keyFor(alg: string, kid: string, options: { modulusLength?: number } = {}) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...options });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg };
  const sign = (payload: Record<string, unknown> = claims) =>
    new SignJWT(payload).setProtectedHeader({ alg, kid }).setExpirationTime('5m').sign(privateKey);
  return { jwk, sign };
}

function verifier(keys: JWK[], algorithms: readonly string[]) {
  return createJwtVerifier({
    keys: createLocalJWKSet({ keys }),
    algorithms,
    issuer: claims.iss,
    audience: claims.aud,
    clockTolerance: 5_000,
    claims: { tenant: 'tenant', plan: 'plan' },
  });
}

describe('JWT signatures checked with node:crypto', () => {
  for (const alg of ALGORITHMS) {
    it(`${alg}: a valid token passes; a changed payload, another key's signature, a bad claim fail`, async () => {
      const key = await keyFor(alg, 'k1');
      const other = await keyFor(alg, 'k1');
      const verify = verifier([key.jwk], [alg]);
      assert.equal((await verify(await key.sign())).subject, 'user-1');
      const [header, , signature = ''] = (await key.sign()).split('.');
      const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'admin', exp: 9e9 })).toString('base64url');
      await assert.rejects(verify(`${header}.${forged}.${signature}`), { name: 'AuthFailure' });
      await assert.rejects(verify(await other.sign()), { name: 'AuthFailure' });
      await assert.rejects(verify(await key.sign({ ...claims, aud: 'other' })), { name: 'AuthFailure' });
      await assert.rejects(verify(`${header}.${forged}.${signature.slice(0, 10)}`), { name: 'AuthFailure' });
    });
  }

  it('an algorithm off the list is refused, even with a matching key', async () => {
    const key = await keyFor('ES256', 'k1');
    await assert.rejects(verifier([key.jwk], ['RS256'])(await key.sign()), /JOSEAlgNotAllowed/);
  });

  it('an RSA key under 2048 bits is left to jose, which refuses it', async () => {
    // jose will not make such a key: node:crypto does, and signs the token.
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256' } as JWK;
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${b64({ alg: 'RS256', kid: 'k1' })}.${b64({ ...claims, exp: Math.floor(Date.now() / 1000) + 60 })}`;
    const token = `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
    await assert.rejects(verifier([jwk], ['RS256'])(token), /2048/);
  });

  it('HMAC with a key set of public keys is refused (never judged here)', async () => {
    const key = await keyFor('RS256', 'k1');
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setExpirationTime('5m')
      .sign(Buffer.from(JSON.stringify(key.jwk)));
    await assert.rejects(verifier([key.jwk], ['RS256', 'HS256'])(token), { name: 'AuthFailure' });
  });

  it('judges only a public key imported for the very algorithm', async () => {
    const check = createSignatureCheck();
    const rsa = await generateKeyPair('RS256');
    const pss = await generateKeyPair('PS256');
    const hmac = new Uint8Array(32);
    assert.equal(check('RS256', pss.publicKey, 'a.b', 'c'), 'unsupported');
    assert.equal(check('RS256', rsa.privateKey, 'a.b', 'c'), 'unsupported');
    assert.equal(check('HS256', hmac, 'a.b', 'c'), 'unsupported');
    assert.equal(check('none', rsa.publicKey, 'a.b', ''), 'unsupported');
    assert.equal(check('RS256', rsa.publicKey, 'a.b', 'c'), false);
  });
});
