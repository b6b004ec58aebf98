/**
 * Purging cached answers: the admin endpoint (off by default; on, every request carries its
 * bearer token, or gets 401 before anything is read) drops the answers holding an entity, a type,
 * or an operation's; `gatehouse cache purge` does it over HTTP from another process. A config that
 * turns the endpoint on without a usable token does not start.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkConfig } from '../../gateway/config/index.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { CACHE_CONTROL_HEADER } from '../helpers/cache-control.ts';
import { runGatehouse } from '../helpers/cli.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { type ApolloResolvers, apolloSubgraph } from './harness.ts';

const TOKEN = 'a-test-admin-token-0123456789';

const catalogSdl = `${CACHE_CONTROL_HEADER}type Query {
  product(id: ID!): Product @cacheControl(maxAge: 600)
  names: [String!]! @cacheControl(maxAge: 600)
}
type Product @key(fields: "id") @cacheControl(maxAge: 600) { id: ID! name: String }
`;

const products = [
  { id: 'p1', name: 'Table' },
  { id: 'p2', name: 'Chair' },
];
const resolvers = {
  Query: {
    product: (_: unknown, { id }: { id: string }) => products.find((p) => p.id === id),
    names: () => products.map((p) => p.name),
  },
  Product: { __resolveReference: (ref: { id: string }) => products.find((p) => p.id === ref.id) },
} as unknown as ApolloResolvers;

describe('cache purge', () => {
  let catalog: RunningServer;
  let gateway: TestGateway;
  let adminUrl: string;
  before(async () => {
    catalog = await serveGraphQL({ schema: apolloSubgraph(catalogSdl, resolvers) });
    gateway = await startTestGateway(
      {
        subgraphs: [{ kind: 'federation', name: 'catalog', url: catalog.url }],
        admin: { enabled: true, token: { env: 'ADMIN_TOKEN' } },
      },
      { env: { ADMIN_TOKEN: TOKEN } },
    );
    const { url } = await gateway.listen();
    adminUrl = `${new URL(url).origin}/admin`;
  });
  after(async () => {
    await gateway?.close();
    await catalog?.close();
  });

  const purge = (body: unknown, init: { token?: string; method?: string; path?: string } = {}) =>
    gateway.yoga.fetch(`http://gateway${init.path ?? '/admin/cache/purge'}`, {
      method: init.method ?? 'POST',
      headers: {
        'content-type': 'application/json',
        ...(init.token !== '' && { authorization: `Bearer ${init.token ?? TOKEN}` }),
      },
      ...(init.method !== 'GET' && { body: JSON.stringify(body) }),
    });
  /** Subgraph requests the queries make (0: all answered from the cache). */
  const asked = async (...queries: string[]) => {
    catalog.resetRequests();
    for (const query of queries) await gateway.query(query);
    return catalog.requests();
  };
  const p1 = '{ product(id: "p1") { id name } }';
  const p2 = '{ product(id: "p2") { id name } }';
  const names = 'query Names { names }';

  it('refuses a request without the token, or with another, before reading it', async () => {
    for (const token of ['', 'not-the-token-at-all-000', `${TOKEN}x`]) {
      const response = await purge({ type: 'Product' }, { token });
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
      const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
      assert.equal(body.errors[0]?.extensions.code, 'UNAUTHENTICATED');
    }
  });

  it('purges by entity key, by type and by operation name, and says how many', async () => {
    await asked(p1, p2, names);
    assert.equal(await asked(p1, p2, names), 0, 'all kept');

    let response = await purge({ type: 'Product', key: 'p1' });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await response.json(), { purged: 1, store: 'memory', scope: 'this replica' });
    assert.equal(await asked(p1), 1, 'p1 purged');
    // A one-field key may be written as an object of that field.
    response = await purge({ type: 'Product', key: { id: 'p1' } });
    assert.equal(((await response.json()) as { purged: number }).purged, 1);
    assert.equal(await asked(p1), 1, 'p1 purged again');
    assert.equal(await asked(p2, names), 0, 'the others kept');

    response = await purge({ type: 'Product' });
    assert.equal(((await response.json()) as { purged: number }).purged, 2);
    assert.equal(await asked(p1, p2), 2);
    assert.equal(await asked(names), 0);

    response = await purge({ operation: 'Names' });
    assert.equal(((await response.json()) as { purged: number }).purged, 1);
    assert.equal(await asked(names), 1);
  });

  it('answers a selector that names nothing 400, another method 405, another route 404', async () => {
    const bad = [
      {},
      { key: '1' },
      { type: 'not a type' },
      { type: 'Product', extra: 1 },
      [1],
      { type: 'Nothing' },
      { type: 'Query', key: '1' },
    ];
    for (const body of bad) {
      const response = await purge(body);
      assert.equal(response.status, 400, JSON.stringify(body));
      const answer = (await response.json()) as {
        errors: { message: string; extensions: { code: string } }[];
      };
      assert.match(answer.errors[0]?.extensions.code ?? '', /^BAD_(USER_INPUT|REQUEST)$/);
    }
    const wrongMethod = await purge({}, { method: 'GET' });
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get('allow'), 'POST');
    assert.match(await wrongMethod.text(), /"code":"METHOD_NOT_ALLOWED"/);
    const noRoute = await purge({}, { path: '/admin/nothing' });
    assert.equal(noRoute.status, 404);
    assert.match(await noRoute.text(), /"code":"NOT_FOUND"/);
    const huge = await purge({ type: 'Product', key: 'x'.repeat(20_000) });
    assert.equal(huge.status, 413);
  });

  it('gatehouse cache purge, from another process, over HTTP', async () => {
    await asked(p1, p2);
    const run = await runGatehouse(
      ['cache', 'purge', '--type', 'Product', '--key', 'p2', '--url', adminUrl],
      {
        env: { GATEHOUSE_ADMIN_TOKEN: TOKEN },
      },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout.trim(), /^purged 1 cached answer \(memory store: this replica only/);
    assert.equal(await asked(p2), 1);
    assert.equal(await asked(p1), 0);

    const refused = await runGatehouse(['cache', 'purge', '--type', 'Product', '--url', adminUrl], {
      env: { GATEHOUSE_ADMIN_TOKEN: 'a-wrong-token-0123456789' },
    });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /401 UNAUTHENTICATED/);
    const nothing = await runGatehouse(['cache', 'purge', '--url', adminUrl], {
      env: { GATEHOUSE_ADMIN_TOKEN: TOKEN },
    });
    assert.equal(nothing.code, 1);
    assert.match(nothing.stderr, /--type Product --key 42/);
  });
});

describe('admin endpoint config', () => {
  it('is off by default: its path is not served', async () => {
    const catalog = await serveGraphQL({ schema: apolloSubgraph(catalogSdl, resolvers) });
    const gateway = await startTestGateway({
      subgraphs: [{ kind: 'federation', name: 'catalog', url: catalog.url }],
    });
    try {
      const response = await gateway.yoga.fetch('http://gateway/admin/cache/purge', {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: '{"type":"Product"}',
      });
      assert.equal(response.status, 404);
    } finally {
      await gateway.close();
      await catalog.close();
    }
  });

  it('on without a token, or with a short one, is a config error naming the fix', async () => {
    const base = {
      subgraphs: [{ kind: 'federation' as const, name: 'a', url: 'http://127.0.0.1:1/graphql' }],
    };
    const without = checkConfig({ ...base, admin: { enabled: true } });
    assert.match(JSON.stringify(without.problems), /admin.*token.*GATEHOUSE_ADMIN_TOKEN/);
    const short = checkConfig({ ...base, admin: { enabled: true, token: 'short' } });
    assert.match(JSON.stringify(short.problems), /16 or more/);
    const overGraphql = checkConfig({ ...base, admin: { enabled: true, token: TOKEN, path: '/graphql' } });
    assert.match(JSON.stringify(overGraphql.problems), /holds server.graphqlPath/);
    await assert.rejects(
      startTestGateway({ ...base, admin: { enabled: true, token: { env: 'UNSET_ADMIN_TOKEN' } } }),
      /UNSET_ADMIN_TOKEN is not set/,
    );
  });
});
