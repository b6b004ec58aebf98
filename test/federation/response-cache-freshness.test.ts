/**
 * Keeping kept answers true: stale-while-revalidate (a stale answer is sent at once and one
 * request per key runs the operation again, in the background: 50 concurrent requests on an
 * expired key make exactly one backend call), and invalidation (a mutation's answer purges the
 * answers holding the entities it changed, and only those).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { CACHE_CONTROL_HEADER } from '../helpers/cache-control.ts';
import { startPolicyCase } from '../helpers/policies.ts';
import { type ApolloResolvers, apolloSubgraph } from './harness.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 10 ms for up to `ms`. */
async function until(check: () => boolean, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(10);
  }
  return check();
}

/**
 * A plain GraphQL service whose `Query.motd` (maxAge 1 s) answers with `motd`, and a gateway with
 * `staleWhileRevalidate: 30` in front of it.
 */
async function startMotd(motd: () => unknown) {
  const hr = await serveGraphQL({
    schema: makeExecutableSchema({ typeDefs: 'type Query { motd: String }', resolvers: { Query: { motd } } }),
  });
  const running = await startPolicyCase(
    {},
    {
      subgraphs: [
        { kind: 'graphql', name: 'hr', url: hr.url, cacheControl: { 'Query.motd': { maxAge: 1 } } },
      ],
      cache: { staleWhileRevalidate: 30 },
    },
  );
  return {
    gateway: running.gateway,
    async [Symbol.asyncDispose]() {
      await running[Symbol.asyncDispose]();
      await hr.close();
    },
  };
}

describe('response cache: stale-while-revalidate', () => {
  it('50 concurrent requests on an expired key get the stale answer at once; one refresh runs', async () => {
    let motd = 'v1';
    let calls = 0;
    // Once armed, the backend holds its answer until released: the stale answers cannot wait on it.
    let gate: Promise<void> | undefined;
    let open = () => {};
    await using running = await startMotd(async () => {
      calls++;
      await gate;
      return motd;
    });
    const { gateway } = running;
    try {
      const first = await gateway.query('{ motd }');
      assert.deepEqual(first.body, { data: { motd: 'v1' } });
      assert.equal(first.headers.get('cache-control'), 'max-age=1, public, stale-while-revalidate=30');
      assert.equal(calls, 1);
      await sleep(1_100);
      motd = 'v2';
      gate = new Promise((resolve) => {
        open = () => resolve();
      });
      const answers = await Promise.all(Array.from({ length: 50 }, () => gateway.query('{ motd }')));
      for (const answer of answers) {
        assert.deepEqual(answer.body, { data: { motd: 'v1' } });
        assert.ok(Number(answer.headers.get('age')) >= 1);
      }
      // Every stale answer came back while the one refresh waits at the backend.
      assert.ok(await until(() => calls === 2), 'the refresh reached the backend');
      open();
      await sleep(200);
      assert.equal(calls, 2, 'exactly one refresh for 50 requests');
      const fresh = await gateway.query('{ motd }');
      assert.deepEqual(fresh.body, { data: { motd: 'v2' } });
      assert.equal(fresh.headers.get('age'), '0');
      assert.equal(calls, 2, 'the refreshed answer is served from the cache');
    } finally {
      open();
    }
  });

  it('a refresh that fails leaves the stale answer, and the next request tries again', async () => {
    let fail = false;
    let calls = 0;
    await using running = await startMotd(() => {
      calls++;
      if (fail) throw new Error('down for a moment');
      return `call ${calls}`;
    });
    const { gateway } = running;
    assert.deepEqual((await gateway.query('{ motd }')).body, { data: { motd: 'call 1' } });
    await sleep(1_100);
    fail = true;
    assert.deepEqual((await gateway.query('{ motd }')).body, { data: { motd: 'call 1' } });
    assert.ok(await until(() => calls === 2));
    await sleep(50);
    fail = false;
    assert.deepEqual((await gateway.query('{ motd }')).body, { data: { motd: 'call 1' } });
    assert.ok(await until(() => calls === 3));
    await sleep(100);
    assert.deepEqual((await gateway.query('{ motd }')).body, { data: { motd: 'call 3' } });
  });
});

const catalogSdl = `${CACHE_CONTROL_HEADER}type Query {
  products: [Product!]! @cacheControl(maxAge: 60)
  product(id: ID!): Product @cacheControl(maxAge: 60)
  names: [String!]! @cacheControl(maxAge: 60)
}
type Product @key(fields: "id") @cacheControl(maxAge: 60) { id: ID! name: String }
type Mutation { rename(id: ID!, name: String!): Product touch(id: ID!): Product }
`;

describe('response cache: invalidation by mutations', () => {
  it('a mutation purges the answers holding the entity it changed, and only those', async () => {
    const products = [
      { id: 'p1', name: 'Table' },
      { id: 'p2', name: 'Chair' },
    ];
    const resolvers = {
      Query: {
        products: () => products,
        product: (_: unknown, { id }: { id: string }) => products.find((p) => p.id === id),
        names: () => products.map((p) => p.name),
      },
      Mutation: {
        rename: (_: unknown, { id, name }: { id: string; name: string }) => {
          const product = products.find((p) => p.id === id)!;
          product.name = name;
          return product;
        },
        touch: (_: unknown, { id }: { id: string }) => products.find((p) => p.id === id),
      },
      Product: { __resolveReference: (ref: { id: string }) => products.find((p) => p.id === ref.id) },
    } as unknown as ApolloResolvers;
    const catalog = await serveGraphQL({ schema: apolloSubgraph(catalogSdl, resolvers) });
    await using running = await startPolicyCase(
      {},
      { subgraphs: [{ kind: 'federation', name: 'catalog', url: catalog.url }] },
    );
    const { gateway } = running;
    try {
      const list = '{ products { id name } }';
      const p2 = '{ product(id: "p2") { id name } }';
      await gateway.query(list);
      await gateway.query(p2);
      await gateway.query('{ names }');
      catalog.resetRequests();
      await gateway.query(list);
      await gateway.query(p2);
      assert.equal(catalog.requests(), 0, 'both kept');

      const renamed = await gateway.query('mutation { rename(id: "p1", name: "Desk") { id name } }');
      assert.deepEqual(renamed.body.data, { rename: { id: 'p1', name: 'Desk' } });
      catalog.resetRequests();
      const after = await gateway.query(list);
      assert.deepEqual(after.body.data, {
        products: [
          { id: 'p1', name: 'Desk' },
          { id: 'p2', name: 'Chair' },
        ],
      });
      assert.equal(catalog.requests(), 1, 'the list holding p1 was purged');
      await gateway.query(p2);
      assert.equal(catalog.requests(), 1, 'the answer holding only p2 was not');

      // An answer holding p1 without its key is purged by any key of its type.
      const keyless = '{ product(id: "p1") { name } }';
      await gateway.query(keyless);
      await gateway.query('mutation { rename(id: "p1", name: "Bench") { id } }');
      assert.deepEqual((await gateway.query(keyless)).body.data, { product: { name: 'Bench' } });

      // A mutation answering the entity without its key purges every answer of its type, and
      // only those: `names` holds no Product.
      await gateway.query('mutation { touch(id: "p2") { name } }');
      catalog.resetRequests();
      await gateway.query(p2);
      assert.equal(catalog.requests(), 1, 'purged by type');
      await gateway.query('{ names }');
      assert.equal(catalog.requests(), 1, 'an answer holding no Product is kept');
    } finally {
      await catalog.close();
    }
  });
});
