/**
 * The response cache in a real Redis shared by two gateways (replicas): an answer kept by one is
 * served by the other; a `PRIVATE` answer is only ever served to its caller, fresh, stale or as a
 * 304; 50 concurrent requests over both replicas on an expired key make one refresh; a mutation
 * through one replica purges what the other serves; and Redis down is "no cache", never an error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../gateway/logger/index.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { CACHE_CONTROL_HEADER } from '../helpers/cache-control.ts';
import { as, type PolicyCase, startPolicyCase } from '../helpers/policies.ts';
import { type RedisServer, redisMissing, startRedis } from '../helpers/redis-server.ts';
import { type ApolloResolvers, apolloSubgraph } from './harness.ts';

const catalogSdl = `${CACHE_CONTROL_HEADER}type Query {
  products: [Product!]! @cacheControl(maxAge: 60)
  me: Account @cacheControl(maxAge: 1, scope: PRIVATE)
  motd: String @cacheControl(maxAge: 1)
}
type Product @key(fields: "id") @cacheControl(maxAge: 60) { id: ID! name: String }
type Account @cacheControl(maxAge: 60) { id: ID! secret: String }
type Mutation { rename(id: ID!, name: String!): Product }
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('response cache in Redis, two replicas', { skip: redisMissing }, () => {
  let redis: RedisServer;
  let catalog: RunningServer;
  let a: PolicyCase;
  let b: PolicyCase;
  const lines: string[] = [];
  const products = [
    { id: 'p1', name: 'Table' },
    { id: 'p2', name: 'Chair' },
  ];
  let motd = 'v1';
  let motdCalls = 0;
  let gate: Promise<void> | undefined;
  before(async () => {
    redis = await startRedis();
    const resolvers = {
      Query: {
        products: () => products,
        me: (_: unknown, __: unknown, context: { headers?: Record<string, string | undefined> }) => {
          const sub = (JSON.parse(context.headers?.['x-test-identity'] ?? '{}') as { sub?: string }).sub;
          return sub === undefined ? null : { id: sub, secret: `secret of ${sub}` };
        },
        motd: async () => {
          motdCalls++;
          await gate;
          return motd;
        },
      },
      Mutation: {
        rename: (_: unknown, { id, name }: { id: string; name: string }) => {
          const product = products.find((p) => p.id === id)!;
          product.name = name;
          return product;
        },
      },
      Product: { __resolveReference: (ref: { id: string }) => products.find((p) => p.id === ref.id) },
    } as unknown as ApolloResolvers;
    catalog = await serveGraphQL({
      schema: apolloSubgraph(catalogSdl, resolvers),
      context: (request) => ({ headers: request.headers }),
    });
    const config = {
      subgraphs: [{ kind: 'federation' as const, name: 'catalog', url: catalog.url }],
      headers: { all: { request: [{ propagate: { named: 'x-test-identity' } }] } },
      // A long store deadline: on a loaded test machine a slow Redis would be "no cache".
      cache: { store: 'redis' as const, staleWhileRevalidate: 30, storeTimeout: 2_000 },
      redis: { url: redis.url },
    };
    const logger = createLogger({ level: 'info', write: (line) => lines.push(line) });
    a = await startPolicyCase({}, config, { logger });
    b = await startPolicyCase({}, config, { logger });
  });
  after(async () => {
    await a?.[Symbol.asyncDispose]();
    await b?.[Symbol.asyncDispose]();
    await catalog?.close();
    await redis?.stop();
  });
  /** Subgraph requests made by `run`. */
  const asked = async (run: () => Promise<unknown>) => {
    catalog.resetRequests();
    await run();
    return catalog.requests();
  };

  it('an answer kept by one replica is served by the other', async () => {
    const query = '{ products { id name } }';
    assert.equal(await asked(() => a.gateway.query(query)), 1);
    // The answer is written after it is sent: wait until a serves it from Redis.
    const deadline = Date.now() + 5_000;
    while ((await asked(() => a.gateway.query(query))) !== 0 && Date.now() < deadline) await sleep(20);
    catalog.resetRequests();
    const fromB = await b.gateway.query(query);
    assert.deepEqual(fromB.body.data, { products: products.map((p) => ({ ...p })) });
    assert.equal(catalog.requests(), 0, 'b answered from Redis');
    assert.equal(fromB.headers.get('etag')?.startsWith('W/"'), true);
  });

  it('a PRIVATE answer is only ever served to its caller: fresh, stale, or as a 304', async () => {
    const query = '{ me { id secret } }';
    const alice = await a.gateway.query(query, undefined, as({ sub: 'alice' }));
    assert.deepEqual(alice.body.data, { me: { id: 'alice', secret: 'secret of alice' } });
    assert.equal(alice.headers.get('cache-control'), 'max-age=1, private, stale-while-revalidate=30');
    const etag = alice.headers.get('etag')!;
    // Bob, on either replica, fresh: his own answer.
    for (const replica of [a, b]) {
      const bob = await replica.gateway.query(query, undefined, as({ sub: 'bob' }));
      assert.deepEqual(bob.body.data, { me: { id: 'bob', secret: 'secret of bob' } });
    }
    // A 304 names alice's answer only for alice.
    const get = (replica: PolicyCase, headers: Record<string, string>) =>
      replica.gateway.yoga.fetch(`http://gateway/graphql?query=${encodeURIComponent(query)}`, {
        headers: { accept: 'application/json', 'if-none-match': etag, ...headers },
      });
    // The answer is written after it is sent: wait until alice's GET is a 304 (it is kept).
    const deadline = Date.now() + 5_000;
    while ((await get(a, as({ sub: 'alice' }))).status !== 304 && Date.now() < deadline) await sleep(20);
    const bobGet = await get(b, as({ sub: 'bob' }));
    assert.equal(bobGet.status, 200);
    assert.match(await bobGet.text(), /secret of bob/);
    assert.equal((await get(b, as({ sub: 'alice' }))).status, 304);
    const anonymous = await get(b, {});
    assert.equal(anonymous.status, 200);
    assert.doesNotMatch(await anonymous.text(), /secret of/);
    // Stale (past maxAge, within staleWhileRevalidate): still each caller's own.
    await sleep(1_100);
    for (const replica of [b, a]) {
      for (const sub of ['bob', 'alice']) {
        const stale = await replica.gateway.query(query, undefined, as({ sub }));
        assert.deepEqual(stale.body.data, { me: { id: sub, secret: `secret of ${sub}` } });
      }
    }
  });

  it('50 concurrent requests over both replicas on an expired key: one refresh', async () => {
    await a.gateway.query('{ motd }');
    await sleep(1_100);
    motdCalls = 0;
    motd = 'v2';
    let open = () => {};
    gate = new Promise((resolve) => {
      open = () => resolve();
    });
    try {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).gateway.query('{ motd }')),
      );
      for (const answer of answers) assert.deepEqual(answer.body, { data: { motd: 'v1' } });
      const deadline = Date.now() + 5_000;
      while (motdCalls === 0 && Date.now() < deadline) await sleep(10);
      open();
      await sleep(300);
      assert.equal(motdCalls, 1, 'one refresh over both replicas');
      assert.deepEqual((await b.gateway.query('{ motd }')).body, { data: { motd: 'v2' } });
      assert.equal(motdCalls, 1);
    } finally {
      open();
      gate = undefined;
    }
  });

  it('a mutation through one replica purges what the other serves', async () => {
    const query = '{ products { id name } }';
    await b.gateway.query(query);
    assert.equal(await asked(() => b.gateway.query(query)), 0);
    await a.gateway.query('mutation { rename(id: "p2", name: "Stool") { id } }');
    const after = await b.gateway.query(query);
    assert.deepEqual(after.body.data, {
      products: [
        { id: 'p1', name: 'Table' },
        { id: 'p2', name: 'Stool' },
      ],
    });
  });

  it('Redis down: every request is answered by the subgraphs, one warning; back: cached again', async () => {
    const query = '{ products { name } }';
    await redis.stop();
    try {
      for (let i = 0; i < 3; i++) {
        const answer = await a.gateway.query(query);
        assert.equal(answer.status, 200);
        assert.equal(answer.body.errors, undefined);
      }
      assert.equal(await asked(() => a.gateway.query(query)), 1, 'no cache while Redis is out');
      // A mutation while Redis is out runs, and says its purge did not happen (it is retried).
      const renamed = await a.gateway.query('mutation { rename(id: "p1", name: "Table") { id } }');
      assert.deepEqual(renamed.body.data, { rename: { id: 'p1' } });
      const warnings = (renamed.body as { extensions?: { warnings?: { code: string }[] } }).extensions
        ?.warnings;
      assert.equal(warnings?.[0]?.code, 'CACHE_PURGE_FAILED');
      assert.equal(lines.filter((l) => /WARN .*cache store/i.test(l)).length >= 1, true, lines.join(''));
    } finally {
      await redis.restart();
    }
    const deadline = Date.now() + 10_000;
    let cached = false;
    while (!cached && Date.now() < deadline) {
      await a.gateway.query(query);
      cached = (await asked(() => a.gateway.query(query))) === 0;
      if (!cached) await sleep(200);
    }
    assert.ok(cached, 'cached again once Redis is back');
  });
});
