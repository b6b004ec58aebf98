/**
 * The `auth` section's checks: impossible or unsafe combinations are config problems at their
 * path (asserted by path, never by message), every one reported at once; good configs resolve
 * with their defaults. Also the units of the auth room that need no server: the verification
 * cache's bounds and expiry, cookie parsing, scopes, the API key hash.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import { GatehouseError } from '../../core/errors.ts';
import type { Identity } from '../../core/identity.ts';
import { createVerificationCache } from '../../gateway/auth/cache.ts';
import { scopesOf } from '../../gateway/auth/claims.ts';
import { cookie } from '../../gateway/auth/extract.ts';
import { hashApiKey } from '../../gateway/auth/index.ts';
import { fileKeySet } from '../../gateway/auth/jwks.ts';
import { checkConfig, resolveConfig } from '../../gateway/config/index.ts';

const subgraphs = [{ name: 'a', kind: 'federation', url: 'http://127.0.0.1:4001/graphql' }];
const JWKS_URL = 'https://issuer.invalid/.well-known/jwks.json';
const pathsOf = (auth: unknown) => {
  const checked = checkConfig({ subgraphs, auth }, { env: {} });
  assert.ok(checked.problems, 'the config should be rejected');
  return checked.problems.map((p) => p.path);
};

describe('auth config', () => {
  it('is off by default: not required, no credential kinds', () => {
    const { auth } = resolveConfig({ subgraphs }, { env: {} });
    assert.equal(auth.required, false);
    assert.equal(auth.jwt, undefined);
    assert.equal(auth.maxTokenSize, 8_192);
  });

  it('accepts a realm of printable ASCII, spaces and punctuation included', () => {
    const realm = "Example API (prod) / v2: it's";
    assert.equal(resolveConfig({ subgraphs, auth: { realm } }, { env: {} }).auth.realm, realm);
  });

  it('resolves the documented example with its defaults', () => {
    const { auth } = resolveConfig(
      {
        subgraphs,
        auth: {
          required: true,
          jwt: {
            jwks: { url: JWKS_URL },
            issuer: 'https://issuer.invalid',
            audience: 'my-api',
            algorithms: ['RS256'],
          },
        },
      },
      { env: {} },
    );
    assert.equal(auth.jwt?.jwks.cooldown, 30_000);
    assert.equal(auth.jwt?.jwks.maxAge, 600_000);
    assert.equal(auth.jwt?.clockTolerance, 5_000);
    assert.equal(auth.claims.tenant, 'tenant');
  });

  it('accepts lists of issuers and audiences and durations with units', () => {
    const { auth } = resolveConfig(
      {
        subgraphs,
        auth: {
          jwt: {
            jwks: { url: JWKS_URL, cooldown: '1m' },
            issuer: ['https://a.invalid', 'https://b.invalid'],
            audience: ['x', 'y'],
            algorithms: ['RS256', 'ES256'],
            clockTolerance: '30s',
          },
        },
      },
      { env: {} },
    );
    assert.equal(auth.jwt?.jwks.cooldown, 60_000);
    assert.equal(auth.jwt?.clockTolerance, 30_000);
  });

  const bad: Array<[string, unknown, string[]]> = [
    ['alg none', { jwt: { jwks: { url: JWKS_URL }, algorithms: ['none'] } }, ['auth.jwt.algorithms[0]']],
    ['no algorithms', { jwt: { jwks: { url: JWKS_URL }, algorithms: [] } }, ['auth.jwt.algorithms']],
    ['algorithms left out', { jwt: { jwks: { url: JWKS_URL } } }, ['auth.jwt.algorithms']],
    [
      'HS256 with a JWKS url',
      { jwt: { jwks: { url: JWKS_URL }, algorithms: ['HS256'] } },
      ['auth.jwt.algorithms'],
    ],
    [
      'HS256 with a JWKS file',
      { jwt: { jwks: { file: 'k.json' }, algorithms: ['RS256', 'HS512'] } },
      ['auth.jwt.algorithms'],
    ],
    [
      'RS256 with a secret',
      { jwt: { jwks: { secret: 'x'.repeat(64) }, algorithms: ['RS256'] } },
      ['auth.jwt.algorithms'],
    ],
    [
      'a secret too short for HS256',
      { jwt: { jwks: { secret: 'short' }, algorithms: ['HS256'] } },
      ['auth.jwt.jwks.secret'],
    ],
    [
      'a secret long enough for HS256 but not HS512',
      { jwt: { jwks: { secret: 'x'.repeat(40) }, algorithms: ['HS256', 'HS512'] } },
      ['auth.jwt.jwks.secret'],
    ],
    ['no key source', { jwt: { jwks: {}, algorithms: ['RS256'] } }, ['auth.jwt.jwks']],
    [
      'two key sources',
      { jwt: { jwks: { url: JWKS_URL, file: 'k.json' }, algorithms: ['RS256'] } },
      ['auth.jwt.jwks'],
    ],
    ['required with no way in', { required: true }, ['auth.required']],
    [
      'a plain-text API key',
      { apiKeys: { keys: [{ id: 'k', sha256: 'my-secret-key' }] } },
      ['auth.apiKeys.keys[0].sha256'],
    ],
    [
      'the same key twice',
      {
        apiKeys: {
          keys: [
            { id: 'a', sha256: hashApiKey('k') },
            { id: 'b', sha256: hashApiKey('k') },
          ],
        },
      },
      ['auth.apiKeys.keys[1].sha256'],
    ],
    [
      'a client id without its secret',
      { introspection: { url: 'https://issuer.invalid/introspect', clientId: 'g' } },
      ['auth.introspection.clientSecret'],
    ],
    [
      'a refusal kept longer than a minute',
      { introspection: { url: 'https://issuer.invalid/introspect', negativeCacheTtl: '5m' } },
      ['auth.introspection.negativeCacheTtl'],
    ],
    ['a realm with a double quote', { realm: 'my "api"' }, ['auth.realm']],
    ['a realm with a backslash', { realm: 'my\\api' }, ['auth.realm']],
    ['a realm with a line break', { realm: 'api\r\nx-admin: 1' }, ['auth.realm']],
    ['a realm outside ASCII', { realm: 'café' }, ['auth.realm']],
    ['an empty realm', { realm: '' }, ['auth.realm']],
    [
      'an unknown key',
      { jwt: { jwks: { url: JWKS_URL }, algorithms: ['RS256'], algorithm: 'RS256' } },
      ['auth.jwt.algorithm'],
    ],
  ];
  for (const [what, auth, paths] of bad) {
    it(`rejects ${what} at ${paths.join(', ')}`, () => {
      assert.deepEqual(pathsOf(auth), paths);
    });
  }
});

describe('auth units', () => {
  const identity = (subject: string): Identity =>
    Object.freeze({
      kind: 'jwt',
      subject,
      scopes: new Set<string>(),
      claims: {},
      tenant: undefined,
      plan: undefined,
      expiresAt: undefined,
    });

  it('the verification cache is bounded (least recently used out first) and forgets expired entries', () => {
    let now = 1_000;
    const cache = createVerificationCache(2, () => now);
    cache.set('a', identity('a'), 5_000);
    cache.set('b', identity('b'), 5_000);
    assert.equal(cache.get('a')?.subject, 'a'); // a is now the most recent
    cache.set('c', identity('c'), 5_000);
    assert.equal(cache.size, 2);
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.get('a')?.subject, 'a');
    now = 5_000;
    assert.equal(cache.get('a'), undefined);
    cache.set('d', identity('d'), 4_000); // already expired: not kept
    assert.equal(cache.get('d'), undefined);
  });

  it('reads cookies, quoted or not, and only the one named', () => {
    assert.equal(cookie('a=1; session=abc; b=2', 'session'), 'abc');
    assert.equal(cookie('session="q"', 'session'), 'q');
    assert.equal(cookie('xsession=1', 'session'), undefined);
    assert.equal(cookie(null, 'session'), undefined);
  });

  it('scopes come from `scope` split on spaces, else `scp`', () => {
    assert.deepEqual([...scopesOf({ scope: 'a  b c' })], ['a', 'b', 'c']);
    assert.deepEqual([...scopesOf({ scp: ['x', 'y'] })], ['x', 'y']);
    assert.deepEqual([...scopesOf({ scp: 'x y' })], ['x', 'y']);
    assert.deepEqual([...scopesOf({})], []);
  });

  it('hashApiKey is the SHA-256 hex the docs one-liner prints', () => {
    assert.equal(hashApiKey('k'), createHash('sha256').update('k').digest('hex'));
    assert.match(hashApiKey('k'), /^[0-9a-f]{64}$/);
  });
});

describe('a JWKS file against the allowed algorithms', () => {
  it('is a startup error when none of its keys can verify an allowed algorithm', async () => {
    const { publicKey } = await generateKeyPair('RS256', { extractable: true });
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-jwks-'));
    try {
      const file = join(dir, 'jwks.json');
      writeFileSync(file, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'r' }] }));
      assert.throws(
        () => fileKeySet(file, ['ES256']),
        (error: unknown) => error instanceof GatehouseError && error.code === 'CONFIG_INVALID',
      );
      assert.doesNotThrow(() => fileKeySet(file, ['ES256', 'RS256']));
      writeFileSync(file, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), alg: 'PS256' }] }));
      assert.throws(() => fileKeySet(file, ['RS256']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
