/**
 * Who may use the admin endpoint: the admin token, or (`admin.scope`) a JWT verified by the
 * gateway's `auth.jwt` (keys from a JWKS served on loopback) that holds the scope. Real loopback
 * gateway, real tokens signed with jose; the registry on (a directory store in a temp dir), so a
 * publish records who made it: the JWT's `sub`. A valid JWT without the scope is 403; an expired
 * one, a bad signature, another audience, a wrong token or none is 401. Then the config rules.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GatehouseError } from '../../core/errors.ts';
import { type GatehouseConfigInput, resolveConfig } from '../../gateway/config/index.ts';
import { createGateway, type Gateway } from '../../gateway/create-gateway.ts';
import { silentLogger } from '../../gateway/logger/index.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { apolloSubgraph, fed2 } from '../federation/harness.ts';
import {
  type JwksServer,
  nowSeconds,
  rsaKey,
  signJwt,
  startJwksServer,
  type TestKey,
} from '../helpers/auth.ts';

const TOKEN = 'admin-auth-test-token-0123456789';
const SCOPE = 'gatehouse:admin';
const ISSUER = 'https://issuer.invalid';
const AUDIENCE = 'gatehouse';
const PRODUCTS = `${fed2('@key')}
type Query { products: [Product!]! }
type Product @key(fields: "id") { id: ID! name: String }`;
const REVIEWS = `${fed2('@key')}
type Query { topReview: String }
type Product @key(fields: "id") { id: ID! reviews: [String!]! }`;

/** A subgraph never loaded (the gateway is not started): a closed loopback port. */
const UNSTARTED = { name: 'products', kind: 'federation', url: 'http://127.0.0.1:9/graphql' } as const;

type Answer = { status: number; headers: Headers; body: Record<string, unknown> };
const codeOf = (answer: Answer) =>
  (answer.body.errors as { extensions?: { code?: string } }[] | undefined)?.[0]?.extensions?.code;

describe('admin endpoint: the admin token or a JWT with admin.scope', () => {
  let dir: string;
  let key: TestKey;
  let jwks: JwksServer;
  let products: RunningServer;
  let reviews: RunningServer;
  let gateway: Gateway;
  let admin: string;
  const claims = (extra: Record<string, unknown> = {}) => ({
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'alice',
    ...extra,
  });

  const call = async (
    path: string,
    authorization?: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> => {
    const response = await fetch(`${admin}/${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(authorization !== undefined && { authorization }),
        ...(init.body !== undefined && { 'content-type': 'application/json' }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-admin-auth-'));
    key = await rsaKey('admin-key');
    [jwks, products, reviews] = await Promise.all([
      startJwksServer([key]),
      serveGraphQL({
        schema: apolloSubgraph(PRODUCTS, { Query: { products: () => [{ id: '1', name: 'Lamp' }] } }),
      }),
      serveGraphQL({
        schema: apolloSubgraph(REVIEWS, {
          Query: { topReview: () => 'great' },
          Product: { __resolveReference: (ref: { id: string }) => ref, reviews: () => ['fine'] },
        }),
      }),
    ]);
    const config = resolveConfig(
      {
        server: { host: '127.0.0.1', port: 0 },
        auth: {
          jwt: {
            issuer: ISSUER,
            audience: AUDIENCE,
            algorithms: ['RS256' as const],
            jwks: { url: jwks.url },
          },
        },
        admin: { enabled: true, token: TOKEN, scope: SCOPE },
        registry: { enabled: true, directory: join(dir, 'registry'), pollInterval: 200 },
        subgraphs: [{ name: 'products', kind: 'federation', url: products.url }],
      },
      { env: {} },
    );
    gateway = createGateway({ config, logger: silentLogger, env: {} });
    const { url } = await gateway.listen();
    admin = `${new URL(url).origin}/admin`;
  });

  after(async () => {
    await gateway?.close();
    await Promise.all([jwks?.close(), products?.close(), reviews?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('still admits the admin token', async () => {
    const answer = await call('subgraphs', `Bearer ${TOKEN}`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.ok(Array.isArray(answer.body.subgraphs));
  });

  it('admits a JWT holding the scope (`scope` or `scp`); a publish records its `sub` as the author', async () => {
    const jwt = await signJwt(key, claims({ scope: `read ${SCOPE}` }));
    const listed = await call('subgraphs', `Bearer ${jwt}`);
    assert.equal(listed.status, 200, JSON.stringify(listed.body));

    const scp = await signJwt(key, claims({ sub: 'bob', scp: ['other', SCOPE] }));
    assert.equal((await call('subgraphs', `Bearer ${scp}`)).status, 200);

    const published = await call('subgraphs', `Bearer ${jwt}`, {
      method: 'POST',
      // The JWT's subject wins over what the client says it is.
      headers: { 'x-gatehouse-author': 'mallory' },
      body: { name: 'reviews', kind: 'federation', url: reviews.url, sdl: REVIEWS },
    });
    assert.equal(published.status, 200, JSON.stringify(published.body));
    assert.equal((published.body.version as { author?: string }).author, 'alice');
    const versions = await call('subgraphs/reviews/versions', `Bearer ${TOKEN}`);
    assert.equal(versions.status, 200);
    assert.deepEqual(
      (versions.body.versions as { author: string }[]).map((v) => v.author),
      ['alice'],
    );
  });

  it('refuses a valid JWT without the scope: 403 FORBIDDEN', async () => {
    for (const extra of [{}, { scope: 'read write' }, { scope: `${SCOPE}:more` }, { scp: ['gatehouse'] }]) {
      const answer = await call('subgraphs', `Bearer ${await signJwt(key, claims(extra))}`);
      assert.deepEqual([answer.status, codeOf(answer)], [403, 'FORBIDDEN'], JSON.stringify(extra));
      assert.match(answer.headers.get('www-authenticate') ?? '', /insufficient_scope/);
    }
  });

  it('refuses an expired JWT, a bad signature, another audience or issuer: 401 UNAUTHENTICATED', async () => {
    const other = await rsaKey(key.kid); // same kid, another key: the signature does not hold
    const tokens = {
      expired: await signJwt(
        key,
        claims({ scope: SCOPE, exp: nowSeconds() - 600, iat: nowSeconds() - 1200 }),
      ),
      'bad signature': await signJwt(other, claims({ scope: SCOPE })),
      'another audience': await signJwt(key, claims({ scope: SCOPE, aud: 'someone-else' })),
      'another issuer': await signJwt(key, claims({ scope: SCOPE, iss: 'https://other.invalid' })),
      'not a JWT': 'not-the-admin-token-and-not-a-jwt',
    };
    for (const [name, token] of Object.entries(tokens)) {
      const answer = await call('subgraphs', `Bearer ${token}`);
      assert.deepEqual([answer.status, codeOf(answer)], [401, 'UNAUTHENTICATED'], name);
      assert.match(answer.headers.get('www-authenticate') ?? '', /invalid_token/, name);
    }
    // Nor does a refused JWT reach a route that acts.
    const purge = await call('cache/purge', `Bearer ${tokens.expired}`, { method: 'POST', body: {} });
    assert.equal(purge.status, 401);
  });

  it('refuses a request without a credential, or with another scheme: 401', async () => {
    for (const authorization of [undefined, `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`]) {
      const answer = await call('subgraphs', authorization);
      assert.deepEqual([answer.status, codeOf(answer)], [401, 'UNAUTHENTICATED'], String(authorization));
      assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="gatehouse-admin"');
    }
  });
});

describe('admin endpoint with admin.scope and no token', () => {
  it('admits only JWTs with the scope', async () => {
    const key = await rsaKey('only-jwt');
    const jwks = await startJwksServer([key]);
    const config = resolveConfig(
      {
        server: { host: '127.0.0.1', port: 0 },
        auth: {
          jwt: {
            issuer: ISSUER,
            audience: AUDIENCE,
            algorithms: ['RS256' as const],
            jwks: { url: jwks.url },
          },
        },
        admin: { enabled: true, scope: SCOPE },
        subgraphs: [UNSTARTED],
      },
      { env: {} },
    );
    const gateway = createGateway({ config, logger: silentLogger, env: {} });
    try {
      const purge = (authorization: string) =>
        gateway.yoga.fetch('http://gateway/admin/cache/purge', {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json' },
          body: '{"type":"Product"}',
        });
      const jwt = await signJwt(key, { iss: ISSUER, aud: AUDIENCE, sub: 'ops', scope: SCOPE });
      assert.equal((await purge(`Bearer ${jwt}`)).status, 200);
      assert.equal((await purge(`Bearer ${TOKEN}`)).status, 401);
    } finally {
      await gateway.close();
      await jwks.close();
    }
  });
});

describe('admin config', () => {
  const base: GatehouseConfigInput = { subgraphs: [UNSTARTED] };
  const problemsOf = (input: GatehouseConfigInput, env: NodeJS.ProcessEnv = {}) => {
    try {
      resolveConfig({ ...base, ...input }, { env });
      return [];
    } catch (error) {
      assert.ok(error instanceof GatehouseError);
      assert.equal(error.code, 'CONFIG_INVALID');
      return error.problems;
    }
  };
  const jwt = {
    jwt: { issuer: ISSUER, algorithms: ['RS256' as const], jwks: { url: 'http://127.0.0.1:9/jwks.json' } },
  };

  it('refuses admin.scope without auth.jwt, naming the path and the fix', () => {
    const problems = problemsOf({ admin: { enabled: true, token: TOKEN, scope: SCOPE } });
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0]!, /^admin\.scope: .*auth\.jwt/);
  });

  it('needs admin.token unless admin.scope is set', () => {
    assert.match(problemsOf({ admin: { enabled: true } })[0] ?? '', /^admin\.token: .*scope/);
    assert.deepEqual(problemsOf({ auth: jwt, admin: { enabled: true, scope: SCOPE } }), []);
    assert.deepEqual(problemsOf({ auth: jwt, admin: { enabled: true, scope: SCOPE, token: TOKEN } }), []);
  });

  it('refuses a scope that is not one OAuth scope', () => {
    for (const scope of ['', 'a b', 'say"hi']) {
      const problems = problemsOf({ auth: jwt, admin: { enabled: true, scope } });
      assert.ok(
        problems.some((p) => p.startsWith('admin.scope: ')),
        `${JSON.stringify(scope)}: ${problems.join('; ')}`,
      );
    }
  });

  it('refuses an admin.port that is the gateway port or the metrics port', () => {
    const server = { port: 4100 };
    assert.match(
      problemsOf({ server, admin: { enabled: true, token: TOKEN, port: 4100 } })[0] ?? '',
      /^admin\.port: .*server\.port/,
    );
    assert.match(
      problemsOf({
        server,
        metrics: { port: 9100 },
        admin: { enabled: true, token: TOKEN, port: 9100 },
      })[0] ?? '',
      /^admin\.port: .*metrics\.port/,
    );
    // With a port of its own, the admin path may be any path.
    assert.deepEqual(problemsOf({ admin: { enabled: true, token: TOKEN, port: 0, path: '/graphql' } }), []);
  });

  it('refuses admin.token from an unset variable at startup (scope or not)', () => {
    const config = resolveConfig(
      { ...base, auth: jwt, admin: { enabled: true, scope: SCOPE, token: { env: 'NOT_SET_ADMIN' } } },
      { env: {} },
    );
    assert.throws(
      () => createGateway({ config, logger: silentLogger, env: {} }),
      (error) => error instanceof GatehouseError && error.code === 'CONFIG_INVALID',
    );
  });
});
