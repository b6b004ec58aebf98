/**
 * The entity cache (`cache.entities`), with the response cache off: a subgraph's entities are
 * kept one by one, and an `_entities` call carries only the representations not kept (none: it is
 * not sent), for a federation subgraph and for a REST backend's batch lookups; root-field calls
 * are kept whole (`rootFields`); `PRIVATE` entities are kept per caller and never for an anonymous
 * one; a mutation purges the entities it changed; a kept entity stands in for a failed backend
 * within `staleIfError`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { startRestServer } from '../fixtures/rest/rest-server.ts';
import { shopApi } from '../fixtures/rest/shop-api.ts';
import { CACHE_CONTROL_HEADER } from '../helpers/cache-control.ts';
import type { TestGateway } from '../helpers/gateway.ts';
import { as, startPolicyCase } from '../helpers/policies.ts';
import { parseMetrics, total } from '../helpers/prometheus-text.ts';
import { type ApolloResolvers, apolloSubgraph, ENGINES, type Engine } from './harness.ts';

const catalogSdl = `${CACHE_CONTROL_HEADER}type Query { products(ids: [ID!]!): [Product!]! @cacheControl(maxAge: 60) }
type Mutation { rename(id: ID!, name: String!): Product }
type Product @key(fields: "id") @cacheControl(maxAge: 60) { id: ID! name: String }
`;

const reviewsSdl = `${CACHE_CONTROL_HEADER}type Product @key(fields: "id") @cacheControl(maxAge: 1) {
  id: ID!
  rating: Int
  mine: String @cacheControl(scope: PRIVATE)
}
`;

/** The entity cache's lookups in the gateway's metrics, by `cache` and `result`. */
async function lookups(gateway: TestGateway, cache: 'entity' | 'root', result: string): Promise<number> {
  const text = await (await gateway.yoga.fetch('http://gateway/metrics')).text();
  return total(parseMetrics(text), 'gatehouse_cache_lookups_total', { cache, result });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startGraph(
  entities: { rootFields?: boolean } = {},
  staleIfError = 0,
  engine: Engine = 'plan',
  response = false,
) {
  const names: Record<string, string> = { p1: 'Table', p2: 'Chair', p3: 'Lamp' };
  const fetched: string[] = [];
  const catalog = await serveGraphQL({
    schema: apolloSubgraph(catalogSdl, {
      Query: {
        products: (_: unknown, { ids }: { ids: string[] }) => ids.map((id) => ({ id, name: names[id] })),
      },
      Mutation: {
        rename: (_: unknown, { id, name }: { id: string; name: string }) => {
          names[id] = name;
          return { id, name };
        },
      },
      Product: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, name: names[ref.id] }) },
    } as unknown as ApolloResolvers),
  });
  const reviews = await serveGraphQL({
    schema: apolloSubgraph(reviewsSdl, {
      Product: {
        __resolveReference: (ref: { id: string }) => {
          fetched.push(ref.id);
          return { id: ref.id };
        },
        rating: (product: { id: string }) => Number(product.id.slice(1)),
        mine: (
          product: { id: string },
          _: unknown,
          context: { headers?: Record<string, string | undefined> },
        ) =>
          `${product.id} of ${(JSON.parse(context.headers?.['x-test-identity'] ?? '{}') as { sub?: string }).sub}`,
      },
    } as unknown as ApolloResolvers),
    context: (request) => ({ headers: request.headers }),
  });
  const running = await startPolicyCase(
    {},
    {
      subgraphs: [
        { kind: 'federation', name: 'catalog', url: catalog.url },
        { kind: 'federation', name: 'reviews', url: reviews.url },
      ],
      headers: { all: { request: [{ propagate: { named: 'x-test-identity' } }] } },
      cache: { response: { enabled: response }, entities: { enabled: true, ...entities }, staleIfError },
      engine,
    },
  );
  return {
    gateway: running.gateway,
    catalog,
    reviews,
    fetched,
    async [Symbol.asyncDispose]() {
      await running[Symbol.asyncDispose]();
      await catalog.close();
      await reviews.close();
    },
  };
}

describe('entity cache', () => {
  for (const engine of ENGINES)
    it(`fetches only the entities not kept, and sends no call when all are (${engine} engine)`, async () => {
      await using graph = await startGraph({ rootFields: false }, 0, engine);
      const { gateway, catalog, reviews, fetched } = graph;
      const query = (ids: string[]) =>
        gateway.query(`{ products(ids: ${JSON.stringify(ids)}) { id name rating } }`);
      const first = await query(['p1', 'p2']);
      assert.deepEqual(first.body.data, {
        products: [
          { id: 'p1', name: 'Table', rating: 1 },
          { id: 'p2', name: 'Chair', rating: 2 },
        ],
      });
      assert.deepEqual(fetched.splice(0), ['p1', 'p2']);
      catalog.resetRequests();
      reviews.resetRequests();
      assert.deepEqual((await query(['p2', 'p1'])).body.data, {
        products: [
          { id: 'p2', name: 'Chair', rating: 2 },
          { id: 'p1', name: 'Table', rating: 1 },
        ],
      });
      assert.equal(reviews.requests(), 0, 'every entity kept: no call');
      assert.equal(catalog.requests(), 1, 'root fields not kept (rootFields: false): the root fetch only');
      const third = await query(['p3', 'p1', 'p2']);
      assert.deepEqual(third.body.data?.products, [
        { id: 'p3', name: 'Lamp', rating: 3 },
        { id: 'p1', name: 'Table', rating: 1 },
        { id: 'p2', name: 'Chair', rating: 2 },
      ]);
      assert.deepEqual(fetched.splice(0), ['p3'], 'only the one not kept was fetched');
    });

  it('keeps root-field calls whole, and a mutation purges what holds the entity it changed', async () => {
    await using graph = await startGraph();
    const { gateway, catalog, reviews } = graph;
    const query = '{ products(ids: ["p1", "p2"]) { id name rating } }';
    await gateway.query(query);
    catalog.resetRequests();
    reviews.resetRequests();
    await gateway.query(query);
    assert.equal(catalog.requests() + reviews.requests(), 0, 'root call and entities kept');
    // Counted in metrics as `root` lookups (one per call), apart from entities (one per entity).
    assert.deepEqual([await lookups(gateway, 'root', 'miss'), await lookups(gateway, 'root', 'hit')], [1, 1]);
    assert.deepEqual(
      [await lookups(gateway, 'entity', 'miss'), await lookups(gateway, 'entity', 'hit')],
      [2, 2],
    );
    const renamed = await gateway.query('mutation { rename(id: "p1", name: "Desk") { id name } }');
    assert.deepEqual(renamed.body.data, { rename: { id: 'p1', name: 'Desk' } });
    catalog.resetRequests();
    reviews.resetRequests();
    const after = await gateway.query(query);
    assert.equal((after.body.data as { products: { name: string }[] }).products[0]?.name, 'Desk');
    assert.equal(catalog.requests(), 1, 'the root call holding p1 was purged');
    assert.equal(reviews.requests(), 1, "p1's reviews entity was purged (p2's was not: one call, for p1)");
    assert.deepEqual(graph.fetched.slice(-1), ['p1']);
  });

  it('keeps PRIVATE entities per caller, and never for an anonymous one', async () => {
    await using graph = await startGraph({ rootFields: false });
    const { gateway, fetched } = graph;
    const query = '{ products(ids: ["p1"]) { id mine } }';
    const alice = await gateway.query(query, undefined, as({ sub: 'alice' }));
    assert.deepEqual(alice.body.data, { products: [{ id: 'p1', mine: 'p1 of alice' }] });
    const bob = await gateway.query(query, undefined, as({ sub: 'bob' }));
    assert.deepEqual(bob.body.data, { products: [{ id: 'p1', mine: 'p1 of bob' }] });
    fetched.length = 0;
    assert.deepEqual(
      (await gateway.query(query, undefined, as({ sub: 'alice' }))).body.data,
      alice.body.data,
    );
    assert.deepEqual((await gateway.query(query, undefined, as({ sub: 'bob' }))).body.data, bob.body.data);
    assert.deepEqual(fetched, [], "each caller's kept entity");
    const anonymous = await gateway.query(query);
    assert.deepEqual(anonymous.body.data, { products: [{ id: 'p1', mine: 'p1 of undefined' }] });
    await gateway.query(query);
    assert.deepEqual(fetched, ['p1', 'p1'], 'never kept for an anonymous caller');
  });

  it('a kept entity stands in for a failed backend within staleIfError', async () => {
    await using graph = await startGraph({ rootFields: false }, 30);
    const { gateway, reviews } = graph;
    const query = '{ products(ids: ["p1", "p2"]) { id rating } }';
    await gateway.query(query);
    await sleep(1_100); // past the entities' maxAge (1 s)
    await reviews.close();
    const stale = await gateway.query(query);
    assert.deepEqual(stale.body.data, {
      products: [
        { id: 'p1', rating: 1 },
        { id: 'p2', rating: 2 },
      ],
    });
    assert.equal(stale.body.errors, undefined);
    const warnings = (stale.body as { extensions?: { warnings?: { code: string }[] } }).extensions?.warnings;
    assert.equal(warnings?.[0]?.code, 'STALE_IF_ERROR', 'the client is told parts are stale');
    // An entity never kept cannot stand in: the failure is the answer for it.
    const partly = await gateway.query('{ products(ids: ["p1", "p3"]) { id rating } }');
    assert.equal(partly.body.errors?.[0]?.extensions?.code, 'SUBGRAPH_UNAVAILABLE');
    // Metrics: kept entities served for the failed backend are `stale`, not misses.
    assert.equal(await lookups(gateway, 'entity', 'stale'), 2);
    assert.equal(await lookups(gateway, 'entity', 'miss'), 4);
  });
});

describe('entity cache with the response cache', () => {
  it('an answer made of kept entities is kept no longer than they are fresh', async () => {
    await using graph = await startGraph({ rootFields: false }, 0, 'plan', true);
    const { gateway } = graph;
    const first = await gateway.query('{ products(ids: ["p1"]) { id rating } }');
    // Query.products says 60 s (a field's policy overrides its type's, Apollo's rule) ...
    assert.equal(first.headers.get('cache-control'), 'max-age=60, public');
    await sleep(600);
    // ... but reviews' Product entities live 1 s: another operation, made of the entity kept
    // 0.6 s ago, is fresh for 0.4 s more at most (under a second: not kept).
    const second = await gateway.query('{ products(ids: ["p1"]) { rating } }');
    assert.deepEqual(second.body.data, { products: [{ rating: 1 }] });
    assert.equal(second.headers.get('cache-control'), 'no-store');
  });

  it('a mutation purges the kept entities holding what it changed, nested ones included', async () => {
    await using graph = await startGraph({ rootFields: false }, 0, 'plan', true);
    const { gateway, fetched } = graph;
    await gateway.query('{ products(ids: ["p1"]) { id rating } }');
    fetched.length = 0;
    await gateway.query('query Again { products(ids: ["p1"]) { id rating } }');
    assert.deepEqual(fetched, [], 'kept');
    await gateway.query('mutation { rename(id: "p1", name: "Desk") { id } }');
    await gateway.query('query Third { products(ids: ["p1"]) { id rating } }');
    assert.deepEqual(fetched, ['p1'], "the entity p1 of reviews was purged with p1's key");
  });
});

describe('entity cache: REST lookups', () => {
  it("a REST backend's batch lookup is sent with only the keys not kept", async () => {
    const shop = await startRestServer(shopApi());
    const top = await serveGraphQL({
      schema: apolloSubgraph(
        `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
         type Query { picks(ids: [ID!]!): [Product!]! }
         type Product @key(fields: "id", resolvable: false) { id: ID! }`,
        {
          Query: { picks: (_: unknown, { ids }: { ids: string[] }) => ids.map((id) => ({ id })) },
        } as unknown as ApolloResolvers,
      ),
    });
    await using running = await startPolicyCase(
      {},
      {
        subgraphs: [
          { kind: 'federation', name: 'top', url: top.url },
          {
            kind: 'rest',
            name: 'shop',
            url: shop.url,
            schemaFile: fileURLToPath(new URL('../fixtures/rest/shop.graphql', import.meta.url)),
            cacheControl: { Product: { maxAge: 60 } },
          },
        ],
        cache: { response: { enabled: false }, entities: { enabled: true } },
      },
    );
    try {
      const { gateway } = running;
      const picks = (ids: string[]) => gateway.query(`{ picks(ids: ${JSON.stringify(ids)}) { id name } }`);
      assert.deepEqual((await picks(['p1', 'p2'])).body.data, {
        picks: [
          { id: 'p1', name: 'Chair' },
          { id: 'p2', name: 'Lamp' },
        ],
      });
      shop.reset();
      await picks(['p1', 'p2']);
      assert.equal(shop.requests.length, 0, 'both kept: no REST call');
      const more = await picks(['p2', 'p3', 'p1']);
      assert.deepEqual(
        (more.body.data as { picks: { name: string }[] }).picks.map((p) => p.name),
        ['Lamp', 'Desk', 'Chair'],
      );
      assert.equal(shop.requests.length, 1);
      assert.match(shop.requests[0]?.path ?? '', /^\/products\/p3$|ids=p3$/);
    } finally {
      await top.close();
      await shop.close();
    }
  });
});
