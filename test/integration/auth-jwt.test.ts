/**
 * The auth room with JWTs from a JWKS endpoint, black box: a real gateway over HTTP, keys and
 * tokens generated here, a JWKS server on loopback. Every refused token answers 401 with
 * `WWW-Authenticate` and UNAUTHENTICATED, on the JSON fast path and on Yoga's path alike; attacks
 * on the header (`none`, HS/RS confusion, keys named or embedded in the token) and on the claims
 * are refused; the key set survives its endpoint going down and follows a rotation; a token sent
 * again is not verified again.
 */
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Identity, identityOf } from '../../core/identity.ts';
import type { Room } from '../../gateway/room.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { apolloSubgraph, fed2 } from '../federation/harness.ts';
import {
  ask,
  bearer,
  codeOf,
  countVerifications,
  craftJwt,
  type JwksServer,
  nowSeconds,
  PATHS,
  rsaKey,
  signJwt,
  startJwksServer,
  type TestKey,
} from '../helpers/auth.ts';
import { CLOSED_PORT } from '../helpers/fault-servers.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const ISSUER = 'https://issuer.example';
const AUDIENCE = 'my-api';
const claims = { iss: ISSUER, aud: AUDIENCE, sub: 'user-1' };

/** A room after auth that records the identity each operation sees. */
function identityProbe(): { room: Room; last(): Identity | undefined } {
  let last: Identity | undefined;
  return {
    last: () => last,
    room: {
      name: 'identity-probe',
      plugin: {
        onParams({ request }) {
          last = identityOf(request);
        },
      },
    },
  };
}

describe('auth: JWT verified with a JWKS endpoint', () => {
  let subgraph: RunningServer;
  let jwks: JwksServer;
  let attacker: JwksServer;
  let gateway: TestGateway;
  let url: string;
  let key: TestKey;
  let other: TestKey;
  const probe = identityProbe();

  before(async () => {
    subgraph = await serveGraphQL({
      schema: apolloSubgraph(`${fed2('@key')} type Query { hello: String }`, {
        Query: { hello: () => 'world' },
      }),
    });
    key = await rsaKey('key-1');
    other = await rsaKey('attacker');
    jwks = await startJwksServer([key]);
    attacker = await startJwksServer([other]);
    gateway = await startTestGateway(
      {
        subgraphs: [{ name: 'a', kind: 'federation', url: subgraph.url }],
        auth: {
          jwt: { jwks: { url: jwks.url }, issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'] },
          claims: { tenant: 'org', plan: 'tier' },
        },
      },
      { rooms: [probe.room] },
    );
    url = (await gateway.listen()).url;
  });
  after(async () => {
    await gateway?.close();
    await jwks?.close();
    await attacker?.close();
    await subgraph?.close();
  });

  for (const path of PATHS) {
    it(`${path}: a valid token is served and records the identity`, async () => {
      const token = await signJwt(key, { ...claims, scope: 'read write', org: 'acme', tier: 'gold' });
      const answer = await ask(url, path, bearer(token));
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { data: { hello: 'world' } });
      const identity = probe.last();
      assert.equal(identity?.kind, 'jwt');
      assert.equal(identity?.subject, 'user-1');
      assert.deepEqual([...(identity?.scopes ?? [])], ['read', 'write']);
      assert.equal(identity?.tenant, 'acme');
      assert.equal(identity?.plan, 'gold');
    });

    it(`${path}: no token is anonymous (auth.required is false)`, async () => {
      const answer = await ask(url, path);
      assert.equal(answer.status, 200);
      assert.equal(probe.last(), undefined);
    });
  }

  const attacks: Array<[string, () => Promise<string>]> = [
    ['alg none', () => craftJwt({ alg: 'none', kid: 'key-1' }, { ...claims, exp: nowSeconds() + 60 })],
    [
      'HS256 signed with the public key as the HMAC secret',
      async () => {
        const secret = Buffer.from(JSON.stringify(key.publicJwk));
        return craftJwt(
          { alg: 'HS256', kid: 'key-1' },
          { ...claims, exp: nowSeconds() + 60 },
          { hmacSecret: secret },
        );
      },
    ],
    [
      'HS256 signed with the PEM of the public key',
      async () => {
        const pem = createPublicKey({ key: key.publicJwk, format: 'jwk' }).export({
          type: 'spki',
          format: 'pem',
        });
        return craftJwt(
          { alg: 'HS256', kid: 'key-1' },
          { ...claims, exp: nowSeconds() + 60 },
          { hmacSecret: Buffer.from(pem) },
        );
      },
    ],
    ['an unknown kid', () => signJwt(other, claims, { kid: 'nope' })],
    ['the known kid, signed by another key', () => signJwt(other, claims, { kid: 'key-1' })],
    ['jku pointing at the attacker key set', () => signJwt(other, claims, { jku: attacker.url })],
    ['x5u pointing at the attacker', () => signJwt(other, claims, { x5u: attacker.url })],
    ['jwk embedding the attacker key', () => signJwt(other, claims, { jwk: other.publicJwk })],
    [
      'jwk embedding the attacker key, with the known kid',
      () => signJwt(other, claims, { kid: 'key-1', jwk: other.publicJwk }),
    ],
    ['expired', () => signJwt(key, { ...claims, exp: nowSeconds() - 60 })],
    // Valid forever otherwise (auth.jwt.requireExp: false allows it).
    ['no exp', () => craftJwt({ alg: 'RS256', kid: 'key-1' }, { ...claims }, { rsa: key.privateKeyObject })],
    ['not yet valid', () => signJwt(key, { ...claims, nbf: nowSeconds() + 60 })],
    ['a wrong issuer', () => signJwt(key, { ...claims, iss: 'https://evil.invalid' })],
    ['a wrong audience', () => signJwt(key, { ...claims, aud: 'other-api' })],
    [
      'a crit header',
      () =>
        craftJwt(
          { alg: 'RS256', kid: 'key-1', crit: ['exp'] },
          { ...claims, exp: nowSeconds() + 60 },
          { rsa: key.privateKeyObject },
        ),
    ],
    [
      'malformed base64',
      async () => {
        const [header, , signature] = (await signJwt(key, claims)).split('.');
        return `${header}.e30*!.${signature}`;
      },
    ],
    [
      'a payload changed after signing',
      async () => {
        const [header, , signature] = (await signJwt(key, claims)).split('.');
        const payload = Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url');
        return `${header}.${payload}.${signature}`;
      },
    ],
    ['not a JWT', async () => 'garbage'],
    ['an empty bearer token', async () => ''],
  ];

  for (const [what, make] of attacks) {
    for (const path of PATHS) {
      it(`${path}: ${what} is a 401, never anonymous`, async () => {
        const answer = await ask(url, path, bearer(await make()));
        assert.equal(answer.status, 401);
        assert.equal(codeOf(answer), 'UNAUTHENTICATED');
        assert.equal(answer.body.data, undefined);
        assert.match(answer.wwwAuthenticate ?? '', /^Bearer realm="gatehouse", error="invalid_token"$/);
      });
    }
  }

  it('header parameters naming keys are never followed: the attacker key set is never fetched', () => {
    assert.equal(attacker.requests(), 0);
  });

  it('a token over auth.maxTokenSize is refused before it is parsed', async () => {
    const counter = countVerifications();
    try {
      const token = await signJwt(key, { ...claims, padding: 'x'.repeat(9_000) });
      for (const path of PATHS) {
        const answer = await ask(url, path, bearer(token));
        assert.equal(answer.status, 401);
        assert.equal(codeOf(answer), 'UNAUTHENTICATED');
      }
      assert.equal(counter.count(), 0);
    } finally {
      counter.stop();
    }
  });

  it('concurrent requests with one new token share one verification', async () => {
    const counter = countVerifications();
    try {
      const token = await signJwt(key, { ...claims, jti: 'concurrent' });
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => ask(url, 'fast path (POST)', bearer(token))),
      );
      for (const answer of answers) assert.equal(answer.status, 200);
      assert.equal(counter.count('jwt'), 1);
    } finally {
      counter.stop();
    }
  });

  it('a token sent again is verified once; a new token once more', async () => {
    const counter = countVerifications();
    try {
      const token = await signJwt(key, { ...claims, jti: 'once' });
      for (const path of [...PATHS, ...PATHS])
        assert.equal((await ask(url, path, bearer(token))).status, 200);
      assert.equal(counter.count('jwt'), 1);
      const fresh = await signJwt(key, { ...claims, jti: 'twice' });
      assert.equal((await ask(url, 'fast path (POST)', bearer(fresh))).status, 200);
      assert.equal(counter.count('jwt'), 2);
    } finally {
      counter.stop();
    }
  });

  it('tokens with made-up kids make the key set be fetched at most once per cool-down', async () => {
    const before = jwks.requests();
    for (let i = 0; i < 5; i++) {
      const answer = await ask(
        url,
        'fast path (POST)',
        bearer(await signJwt(other, claims, { kid: `made-up-${i}` })),
      );
      assert.equal(answer.status, 401);
    }
    assert.ok(jwks.requests() - before <= 1, `${jwks.requests() - before} fetches`);
  });
});

describe('auth: the key set across outages and rotations', () => {
  let subgraph: RunningServer;
  let jwks: JwksServer;
  let gateway: TestGateway;
  let url: string;
  let key: TestKey;
  let next: TestKey;
  const COOLDOWN = 100; // ms

  before(async () => {
    subgraph = await serveGraphQL({
      schema: apolloSubgraph(`${fed2('@key')} type Query { hello: String }`, {
        Query: { hello: () => 'world' },
      }),
    });
    key = await rsaKey('old');
    next = await rsaKey('new');
    jwks = await startJwksServer([key]);
    gateway = await startTestGateway({
      subgraphs: [{ name: 'a', kind: 'federation', url: subgraph.url }],
      // The set is stale after 1 ms: every lookup past the cool-down tries the endpoint again.
      auth: { jwt: { jwks: { url: jwks.url, maxAge: 1, cooldown: COOLDOWN }, algorithms: ['RS256'] } },
    });
    url = (await gateway.listen()).url;
  });
  after(async () => {
    await gateway?.close();
    await jwks?.close();
    await subgraph?.close();
  });

  it('a new kid is picked up once the issuer publishes it (key rotation)', async () => {
    assert.equal((await ask(url, 'fast path (POST)', bearer(await signJwt(key, { sub: 'a' })))).status, 200);
    jwks.setKeys([key, next]);
    await sleep(COOLDOWN + 20);
    for (const path of PATHS) {
      assert.equal((await ask(url, path, bearer(await signJwt(next, { sub: `b-${path}` })))).status, 200);
    }
  });

  it('while the endpoint is down, known keys still verify and unknown ones fail', async () => {
    jwks.setDown(true);
    try {
      await sleep(COOLDOWN + 20);
      const before = jwks.requests();
      for (const path of PATHS) {
        assert.equal((await ask(url, path, bearer(await signJwt(key, { sub: `c-${path}` })))).status, 200);
        assert.equal((await ask(url, path, bearer(await signJwt(next, { sub: `d-${path}` })))).status, 200);
      }
      assert.ok(jwks.requests() > before, 'the endpoint was tried again');
      const stranger = await rsaKey('stranger');
      await sleep(COOLDOWN + 20);
      for (const path of PATHS) {
        const answer = await ask(url, path, bearer(await signJwt(stranger, { sub: `e-${path}` })));
        assert.equal(answer.status, 401);
        assert.equal(codeOf(answer), 'UNAUTHENTICATED');
      }
    } finally {
      jwks.setDown(false);
    }
  });

  it('a key set that never loaded is fetched at most once per cool-down, however many tokens come', async () => {
    const down = await startJwksServer([key]);
    down.setDown(true);
    const gateway = await startTestGateway({
      subgraphs: [{ name: 'a', kind: 'federation', url: subgraph.url }],
      auth: { jwt: { jwks: { url: down.url, cooldown: '1m' }, algorithms: ['RS256'] } },
    });
    try {
      for (let i = 0; i < 5; i++) {
        const answer = await gateway.query(
          '{ hello }',
          undefined,
          bearer(await signJwt(key, { sub: `g${i}` })),
        );
        assert.equal(answer.status, 503);
      }
      assert.equal(down.requests(), 1);
    } finally {
      await gateway.close();
      await down.close();
    }
  });

  it('a key set that never loaded (endpoint closed) refuses every token, with a 503', async () => {
    const closed = await startTestGateway({
      subgraphs: [{ name: 'a', kind: 'federation', url: subgraph.url }],
      auth: {
        jwt: { jwks: { url: `http://127.0.0.1:${CLOSED_PORT}/jwks.json` }, algorithms: ['RS256'] },
      },
    });
    try {
      const answer = await closed.query('{ hello }', undefined, bearer(await signJwt(key, { sub: 'f' })));
      assert.equal(answer.status, 503);
      assert.equal(answer.body.errors?.[0]?.extensions?.code, 'AUTH_PROVIDER_UNAVAILABLE');
    } finally {
      await closed.close();
    }
  });
});
