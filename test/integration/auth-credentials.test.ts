/**
 * The auth room's other credentials and modes, black box through a real gateway over HTTP: API
 * keys (hashes in the config), OAuth 2.0 token introspection against a loopback server, an HMAC
 * secret read from the environment, a local JWKS file, tokens from a cookie or a header, and
 * `auth.required` (401 without a credential; health and GraphiQL's page still answer). Each
 * check runs on the JSON fast path and on Yoga's path.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { type Identity, identityOf } from '../../core/identity.ts';
import { createAuth, hashApiKey } from '../../gateway/auth/index.ts';
import { resolveConfig } from '../../gateway/config/index.ts';
import { silentLogger } from '../../gateway/logger/index.ts';
import { type Room, roomsHookingPath } from '../../gateway/room.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { apolloSubgraph, fed2 } from '../federation/harness.ts';
import {
  ask,
  bearer,
  codeOf,
  countVerifications,
  type IntrospectionServer,
  nowSeconds,
  PATHS,
  rsaKey,
  signJwt,
  startIntrospectionServer,
  type TestKey,
} from '../helpers/auth.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

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

let subgraph: RunningServer;
before(async () => {
  subgraph = await serveGraphQL({
    schema: apolloSubgraph(`${fed2('@key')} type Query { hello: String }`, {
      Query: { hello: () => 'world' },
    }),
  });
});
after(() => subgraph?.close());
const subgraphs = () => [{ name: 'a', kind: 'federation' as const, url: subgraph.url }];

describe('auth: API keys', () => {
  const KEY = randomBytes(24).toString('base64url');
  let gateway: TestGateway;
  let url: string;
  const probe = identityProbe();

  before(async () => {
    gateway = await startTestGateway(
      {
        subgraphs: subgraphs(),
        auth: {
          apiKeys: {
            header: 'x-gatehouse-key',
            keys: [
              { id: 'other', sha256: hashApiKey('another key') },
              {
                id: 'billing',
                sha256: hashApiKey(KEY),
                tenant: 'acme',
                plan: 'pro',
                scopes: ['invoices:read'],
              },
            ],
          },
        },
      },
      { rooms: [probe.room] },
    );
    url = (await gateway.listen()).url;
  });
  after(() => gateway?.close());

  for (const path of PATHS) {
    it(`${path}: the right key is its configured identity`, async () => {
      const answer = await ask(url, path, { 'x-gatehouse-key': KEY });
      assert.equal(answer.status, 200);
      const identity = probe.last();
      assert.equal(identity?.kind, 'api-key');
      assert.equal(identity?.subject, 'billing');
      assert.equal(identity?.tenant, 'acme');
      assert.equal(identity?.plan, 'pro');
      assert.deepEqual([...(identity?.scopes ?? [])], ['invoices:read']);
    });

    it(`${path}: a wrong key is a 401`, async () => {
      const answer = await ask(url, path, { 'x-gatehouse-key': `${KEY}x` });
      assert.equal(answer.status, 401);
      assert.equal(codeOf(answer), 'UNAUTHENTICATED');
      assert.ok(answer.wwwAuthenticate);
    });

    it(`${path}: the hash itself is not a key`, async () => {
      const answer = await ask(url, path, { 'x-gatehouse-key': hashApiKey(KEY) });
      assert.equal(answer.status, 401);
    });
  }
});

describe('auth: token introspection (RFC 7662)', () => {
  let introspection: IntrospectionServer;
  let gateway: TestGateway;
  let url: string;
  const probe = identityProbe();

  before(async () => {
    introspection = await startIntrospectionServer({
      'opaque-active': { active: true, sub: 'svc', scope: 'a b', tenant: 't1', exp: nowSeconds() + 3600 },
      'opaque-expired': { active: true, sub: 'svc', exp: nowSeconds() - 10 },
    });
    gateway = await startTestGateway(
      {
        subgraphs: subgraphs(),
        auth: {
          introspection: {
            url: introspection.url,
            clientId: 'gatehouse',
            clientSecret: { env: 'INTROSPECT_SECRET' },
          },
        },
      },
      { rooms: [probe.room], env: { INTROSPECT_SECRET: 's3cret' } },
    );
    url = (await gateway.listen()).url;
  });
  after(async () => {
    await gateway?.close();
    await introspection?.close();
  });

  it('an active token is served, introspected once, with client credentials', async () => {
    const before = introspection.requests();
    for (const path of [...PATHS, ...PATHS]) {
      const answer = await ask(url, path, bearer('opaque-active'));
      assert.equal(answer.status, 200);
      assert.equal(probe.last()?.kind, 'introspection');
      assert.equal(probe.last()?.subject, 'svc');
      assert.equal(probe.last()?.tenant, 't1');
      assert.deepEqual([...(probe.last()?.scopes ?? [])], ['a', 'b']);
    }
    assert.equal(introspection.requests() - before, 1);
    assert.equal(
      introspection.lastAuthorization(),
      `Basic ${Buffer.from('gatehouse:s3cret').toString('base64')}`,
    );
  });

  for (const [what, token] of [
    ['an inactive token', 'opaque-unknown'],
    ['an active answer past its exp', 'opaque-expired'],
  ]) {
    for (const path of PATHS) {
      it(`${path}: ${what} is a 401`, async () => {
        const answer = await ask(url, path, bearer(token!));
        assert.equal(answer.status, 401);
        assert.equal(codeOf(answer), 'UNAUTHENTICATED');
      });
    }
  }

  it('concurrent requests with one bogus token make one call; a refusal is kept briefly', async () => {
    const slow = await startIntrospectionServer({}, 200); // 200 ms: the requests overlap
    const flooded = await startTestGateway({
      subgraphs: subgraphs(),
      auth: { introspection: { url: slow.url, negativeCacheTtl: 10_000 } },
    });
    try {
      const floodUrl = (await flooded.listen()).url;
      const answers = await Promise.all(
        Array.from({ length: 200 }, () => ask(floodUrl, 'fast path (POST)', bearer('opaque-bogus'))),
      );
      for (const answer of answers) assert.equal(codeOf(answer), 'UNAUTHENTICATED');
      assert.equal(slow.requests(), 1);
      // Within negativeCacheTtl the refusal is answered without asking again.
      for (const path of PATHS) assert.equal((await ask(floodUrl, path, bearer('opaque-bogus'))).status, 401);
      assert.equal(slow.requests(), 1);
    } finally {
      await flooded.close();
      await slow.close();
    }
  });

  it('with auth.introspection.audience, an answer for another audience is a 401', async () => {
    const server = await startIntrospectionServer({
      'opaque-ours': { active: true, sub: 'svc', aud: ['other', 'my-api'], exp: nowSeconds() + 3600 },
      'opaque-theirs': { active: true, sub: 'svc', aud: 'other-api', exp: nowSeconds() + 3600 },
      'opaque-no-aud': { active: true, sub: 'svc', exp: nowSeconds() + 3600 },
    });
    const strict = await startTestGateway({
      subgraphs: subgraphs(),
      auth: { introspection: { url: server.url, audience: 'my-api' } },
    });
    try {
      const strictUrl = (await strict.listen()).url;
      assert.equal((await ask(strictUrl, 'fast path (POST)', bearer('opaque-ours'))).status, 200);
      for (const token of ['opaque-theirs', 'opaque-no-aud']) {
        const answer = await ask(strictUrl, 'fast path (POST)', bearer(token));
        assert.equal(answer.status, 401);
        assert.equal(codeOf(answer), 'UNAUTHENTICATED');
      }
    } finally {
      await strict.close();
      await server.close();
    }
  });

  it('an unreachable introspection endpoint fails closed (503)', async () => {
    const down = await startTestGateway({
      subgraphs: subgraphs(),
      auth: { introspection: { url: 'http://introspection.invalid/introspect', timeout: 2_000 } },
    });
    try {
      const answer = await down.query('{ hello }', undefined, bearer('opaque-active'));
      assert.equal(answer.status, 503);
      assert.equal(answer.body.errors?.[0]?.extensions?.code, 'AUTH_PROVIDER_UNAVAILABLE');
    } finally {
      await down.close();
    }
  });
});

describe('auth: required', () => {
  const KEY = randomBytes(24).toString('base64url');
  let gateway: TestGateway;
  let base: string;
  let url: string;

  before(async () => {
    gateway = await startTestGateway({
      subgraphs: subgraphs(),
      auth: { required: true, apiKeys: { keys: [{ id: 'k', sha256: hashApiKey(KEY) }] } },
    });
    url = (await gateway.listen()).url;
    base = new URL(url).origin;
  });
  after(() => gateway?.close());

  for (const path of PATHS) {
    it(`${path}: no credential is a 401 with a challenge, before any GraphQL work`, async () => {
      const before = subgraph.requests();
      // Not even valid GraphQL: refused before it is parsed.
      const answer = await ask(url, path, {}, '{ hello');
      assert.equal(answer.status, 401);
      assert.equal(codeOf(answer), 'UNAUTHENTICATED');
      assert.equal(answer.wwwAuthenticate, 'Bearer realm="gatehouse"');
      assert.equal(subgraph.requests(), before);
    });

    it(`${path}: a valid credential is served`, async () => {
      assert.equal((await ask(url, path, { 'x-api-key': KEY })).status, 200);
    });
  }

  it('health endpoints and GraphiQL answer without a credential', async () => {
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    const page = await fetch(url, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  });
});

describe('auth: other key sources and token locations', () => {
  let dir: string;
  let key: TestKey;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-auth-'));
    key = await rsaKey('file-key');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('an HMAC secret from the environment verifies HS256 tokens; an RS256 one is refused', async () => {
    const secret = randomBytes(32).toString('base64url');
    const gateway = await startTestGateway(
      {
        subgraphs: subgraphs(),
        auth: { jwt: { jwks: { secret: { env: 'JWT_SECRET' } }, algorithms: ['HS256'] } },
      },
      { env: { JWT_SECRET: secret } },
    );
    try {
      const url = (await gateway.listen()).url;
      const token = await new SignJWT({ sub: 'h', exp: nowSeconds() + 60 })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode(secret));
      // With a cookie credential, a GET operation needs a preflight header (CSRF prevention).
      const preflight = { 'graphql-preflight': '1' };
      for (const path of PATHS) {
        assert.equal((await ask(url, path, { ...bearer(token), ...preflight })).status, 200);
        assert.equal((await ask(url, path, bearer(await signJwt(key, { sub: 'r' })))).status, 401);
      }
    } finally {
      await gateway.close();
    }
  });

  it('a local JWKS file (path relative to the config), tokens from a cookie or a header', async () => {
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [key.publicJwk] }));
    const gateway = await startTestGateway(
      {
        subgraphs: subgraphs(),
        auth: {
          jwt: { jwks: { file: 'jwks.json' }, algorithms: ['RS256'] },
          token: { cookie: 'session', header: 'x-token' },
        },
      },
      { baseDir: dir },
    );
    try {
      const url = (await gateway.listen()).url;
      const token = await signJwt(key, { sub: 'f' });
      // With a cookie credential, a GET operation needs a preflight header (CSRF prevention).
      const preflight = { 'graphql-preflight': '1' };
      for (const path of PATHS) {
        assert.equal((await ask(url, path, { ...bearer(token), ...preflight })).status, 200);
        assert.equal(
          (await ask(url, path, { cookie: `theme=dark; session=${token}`, ...preflight })).status,
          200,
        );
        assert.equal((await ask(url, path, { 'x-token': token, ...preflight })).status, 200);
        assert.equal((await ask(url, path, { cookie: 'session=nope', ...preflight })).status, 401);
      }
    } finally {
      await gateway.close();
    }
  });

  it('a secret variable that is not set, or too short, is a startup error (CONFIG_INVALID)', () => {
    const config = resolveConfig({
      subgraphs: subgraphs(),
      auth: { jwt: { jwks: { secret: { env: 'JWT_SECRET' } }, algorithms: ['HS256'] } },
    });
    for (const env of [{}, { JWT_SECRET: 'short' }]) {
      assert.throws(() => createAuth(config.auth, { logger: silentLogger, env }), { code: 'CONFIG_INVALID' });
    }
  });

  it('the room keeps the JSON fast path on (it hooks onParams only)', () => {
    const config = resolveConfig({
      subgraphs: subgraphs(),
      auth: { required: true, apiKeys: { keys: [{ id: 'k', sha256: hashApiKey('k') }] } },
    });
    const room = createAuth(config.auth, { logger: silentLogger });
    assert.ok(room.plugin?.onParams);
    assert.deepEqual(roomsHookingPath([room], '/graphql'), []);
  });

  it('a repeated unknown API key is compared every time, never cached as valid', async () => {
    const counter = countVerifications();
    const gateway = await startTestGateway({
      subgraphs: subgraphs(),
      auth: { apiKeys: { keys: [{ id: 'k', sha256: hashApiKey('right') }] } },
    });
    try {
      for (let i = 0; i < 3; i++) {
        assert.equal((await gateway.query('{ hello }', undefined, { 'x-api-key': 'wrong' })).status, 401);
      }
      assert.equal(counter.count('api-key'), 3);
    } finally {
      counter.stop();
      await gateway.close();
    }
  });
});
