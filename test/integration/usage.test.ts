/**
 * Usage counting through a real gateway over real loopback subgraphs: operations sent over HTTP
 * (the JSON fast path, which the room leaves on) are counted with the coordinates they use, the
 * reader says which operations use a coordinate, and `gatehouse check` names the operations a
 * breaking change would break. With a real redis-server: two gateways share their counts, and
 * a Redis that goes away loses counts (logged once), never a request.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'graphql';
import { Redis } from 'ioredis';
import { checkCandidate } from '../../gateway/registry/check/index.ts';
import { roomsHookingPath } from '../../gateway/room.ts';
import { createUsage } from '../../gateway/usage/index.ts';
import { createRedisUsageStore } from '../../gateway/usage/store/redis-store.ts';
import { BUCKETS } from '../../gateway/usage/store/types.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { apolloSubgraph, fed2 } from '../federation/harness.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { recordingLogger } from '../helpers/logger.ts';
import { type RedisServer, redisMissing, startRedis } from '../helpers/redis-server.ts';

const PRODUCTS_SDL = `${fed2('@key')}
  type Query { products: [Product!]! product(id: ID!): Product }
  type Product @key(fields: "id") { id: ID! name: String! price: Float }
`;
const REVIEWS_SDL = `${fed2('@key')}
  type Query { reviews: [Review!]! }
  type Review { id: ID! body: String! product: Product }
  type Product @key(fields: "id") { id: ID! }
`;
const PRODUCT = { id: '1', name: 'Lamp', price: 12.5 };

let products: RunningServer;
let reviews: RunningServer;
before(async () => {
  products = await serveGraphQL({
    schema: apolloSubgraph(PRODUCTS_SDL, {
      Query: { products: () => [PRODUCT], product: () => PRODUCT },
      Product: { __resolveReference: () => PRODUCT },
    }),
  });
  reviews = await serveGraphQL({
    schema: apolloSubgraph(REVIEWS_SDL, {
      Query: { reviews: () => [{ id: 'r1', body: 'Bright', product: { id: '1' } }] },
    }),
  });
});
after(async () => {
  await products?.close();
  await reviews?.close();
});

const subgraphs = () => [
  { name: 'products', kind: 'federation' as const, url: products.url },
  { name: 'reviews', kind: 'federation' as const, url: reviews.url },
];

/** POSTs JSON over HTTP (the fast path); asserts an answer without errors. */
async function post(url: string, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { errors?: unknown[] };
  assert.equal(response.status, 200, JSON.stringify(body));
  assert.equal(body.errors, undefined, JSON.stringify(body));
}

const PRICES = 'query Prices { products { id price } }';
const NAMES = 'query Names { products { ...Bits } } fragment Bits on Product { name }';
const REVIEWED = 'query Reviewed($id: ID!) { reviews { body product { name } } product(id: $id) { id } }';

const ADMIN_TOKEN = 'usage-test-admin-token';

/** Calls an admin route (GET, or POST of `body`); answers its status and JSON body. */
async function admin(base: string, path: string, token = ADMIN_TOKEN, body?: unknown) {
  const response = await fetch(`${base}/admin/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('usage in memory', () => {
  let gateway: TestGateway;
  let url: string;
  const registry = mkdtempSync(join(tmpdir(), 'gatehouse-usage-registry-'));
  before(async () => {
    gateway = await startTestGateway({
      subgraphs: subgraphs(),
      usage: { enabled: true },
      admin: { enabled: true, token: ADMIN_TOKEN },
      registry: { enabled: true, directory: registry, allowOverride: ['reviews'] },
    });
    url = `${(await gateway.listen()).url}/graphql`;
  });
  after(async () => {
    await gateway?.close();
    rmSync(registry, { recursive: true, force: true });
  });

  it('leaves the JSON fast path on', () => {
    const usage = createUsage({
      config: { enabled: true, store: 'memory', retention: 60_000, maxOperations: 10, flushInterval: 1_000 },
      logger: recordingLogger(),
    })!;
    assert.deepEqual(roomsHookingPath([usage.room], '/graphql'), []);
    return usage.room.close?.();
  });

  it('counts each operation with the coordinates it uses, and says which use a coordinate', async () => {
    for (let i = 0; i < 3; i++) await post(url, PRICES);
    await post(url, NAMES);
    for (let i = 0; i < 2; i++) await post(url, REVIEWED, { id: '1' });
    const reader = gateway.usage!;
    const using = await reader.operationsUsing([
      'Query.products',
      'Product.name',
      'Product.price',
      'Review',
      'Query',
    ]);
    const names = (coordinate: string) => using.get(coordinate)?.map((u) => `${u.name}=${u.count}`);
    assert.deepEqual(names('Query.products'), ['Prices=3', 'Names=1']);
    assert.deepEqual(names('Product.name'), ['Reviewed=2', 'Names=1']);
    assert.deepEqual(names('Product.price'), ['Prices=3']);
    assert.deepEqual(names('Review'), ['Reviewed=2']);
    assert.equal(using.get('Query')?.length, 3);
    assert.equal(await reader.operationCount(), 3);
    const top = await reader.topOperations(2);
    assert.deepEqual(
      top.map((o) => [o.name, o.count]),
      [
        ['Prices', 3],
        ['Reviewed', 2],
      ],
    );
    assert.match(top[0]!.operation, /^Prices:[0-9a-f]{16}$/);
  });

  it('the admin API lists the most used operations and the operations using a coordinate', async () => {
    const base = new URL(url).origin;
    const top = await admin(base, 'usage/operations?limit=2');
    assert.equal(top.status, 200, JSON.stringify(top.body));
    assert.equal(top.body.total, 3);
    assert.deepEqual(
      (top.body.operations as { name: string; count: number; coordinates: number }[]).map((o) => [
        o.name,
        o.count,
        o.coordinates > 0,
      ]),
      [
        ['Prices', 3, true],
        ['Reviewed', 2, true],
      ],
    );
    const price = await admin(base, 'usage/coordinates/Product.price');
    assert.equal(price.status, 200, JSON.stringify(price.body));
    assert.equal(price.body.coordinate, 'Product.price');
    assert.deepEqual(
      (price.body.operations as { name: string }[]).map((o) => o.name),
      ['Prices'],
    );
    const argument = await admin(base, `usage/coordinates/${encodeURIComponent('Query.product(id:)')}`);
    assert.deepEqual(
      (argument.body.operations as { name: string }[]).map((o) => o.name),
      ['Reviewed'],
    );
    const unused = await admin(base, 'usage/coordinates/Product.sku');
    assert.deepEqual([unused.body.operations, unused.body.total], [[], 0]);
    const code = (r: { body: Record<string, unknown> }) =>
      (r.body.errors as { extensions: { code: string } }[])[0]?.extensions.code;
    const bad = await admin(base, `usage/coordinates/${encodeURIComponent('not a coordinate')}`);
    assert.deepEqual([bad.status, code(bad)], [400, 'BAD_USER_INPUT']);
    const badLimit = await admin(base, 'usage/operations?limit=0');
    assert.deepEqual([badLimit.status, code(badLimit)], [400, 'BAD_USER_INPUT']);
    const anonymous = await admin(base, 'usage/operations', 'not-the-admin-token');
    assert.equal(anonymous.status, 401);
  });

  it('the admin check and publish take failOn: breaking fails on a change no operation uses', async () => {
    const base = new URL(url).origin;
    // Review.id is read by no recorded operation.
    const entry = {
      name: 'reviews',
      kind: 'federation',
      url: reviews.url,
      sdl: REVIEWS_SDL.replace('type Review { id: ID! ', 'type Review { '),
    };
    type Report = { ok: boolean; failOn: string; changes: { coordinate: string; blocking?: boolean }[] };
    const unused = await admin(base, 'check', ADMIN_TOKEN, entry);
    assert.equal(unused.status, 200, JSON.stringify(unused.body));
    const report = unused.body.report as Report;
    assert.deepEqual([report.ok, report.failOn], [true, 'used']);
    assert.equal(report.changes.find((c) => c.coordinate === 'Review.id')?.blocking, false);
    const strict = await admin(base, 'check', ADMIN_TOKEN, { ...entry, failOn: 'breaking' });
    assert.deepEqual(
      [(strict.body.report as Report).ok, (strict.body.report as Report).failOn],
      [false, 'breaking'],
    );
    const refused = await admin(base, 'subgraphs', ADMIN_TOKEN, { ...entry, failOn: 'breaking' });
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    const bad = await admin(base, 'check', ADMIN_TOKEN, { ...entry, failOn: 'sometimes' });
    assert.equal(bad.status, 400);
  });

  it('feeds gatehouse check: a breaking change names the operations it breaks', async () => {
    const current = [
      { name: 'products', url: products.url, typeDefs: parse(PRODUCTS_SDL) },
      { name: 'reviews', url: reviews.url, typeDefs: parse(REVIEWS_SDL) },
    ];
    const removePrice = { ...current[0]!, typeDefs: parse(PRODUCTS_SDL.replace(' price: Float', '')) };
    const used = await checkCandidate({ current, candidate: removePrice, usage: gateway.usage });
    assert.equal(used.ok, false);
    const change = used.changes.find((c) => c.coordinate === 'Product.price');
    assert.deepEqual(
      change?.affected?.map((a) => a.name),
      ['Prices'],
    );
    // A breaking change a recorded operation uses fails; one none uses passes.
    const nullable = {
      ...current[1]!,
      typeDefs: parse(REVIEWS_SDL.replace('body: String!', 'body: String')),
    };
    const readBody = await checkCandidate({ current, candidate: nullable, usage: gateway.usage });
    assert.equal(readBody.changes.find((c) => c.coordinate === 'Review.body')?.kind, 'breaking');
    assert.equal(readBody.ok, false, 'Reviewed reads Review.body');
    const newField = {
      ...current[0]!,
      typeDefs: parse(PRODUCTS_SDL.replace('price: Float', 'price: Float sku: String')),
    };
    const dropSku = { ...current[0]!, typeDefs: parse(PRODUCTS_SDL) };
    const withSku = [newField, current[1]!];
    const unusedDrop = await checkCandidate({ current: withSku, candidate: dropSku, usage: gateway.usage });
    assert.equal(unusedDrop.changes[0]?.coordinate, 'Product.sku');
    assert.deepEqual(unusedDrop.changes[0]?.affected, []);
    assert.equal(unusedDrop.ok, true);
  });
});

describe('usage in Redis', { skip: redisMissing }, () => {
  let redis: RedisServer;
  const gateways: TestGateway[] = [];
  const urls: string[] = [];
  const logger = recordingLogger();
  before(async () => {
    redis = await startRedis();
    for (const log of [logger, recordingLogger()]) {
      gateways.push(
        await startTestGateway(
          {
            subgraphs: subgraphs(),
            redis: { url: redis.url, keyPrefix: 'usage-test:' },
            usage: { enabled: true, store: 'redis', flushInterval: 100 },
          },
          { logger: log },
        ),
      );
    }
    for (const gateway of gateways) urls.push(`${(await gateway.listen()).url}/graphql`);
  });
  after(async () => {
    for (const gateway of gateways) await gateway.close();
    await redis?.stop();
  });

  it('two gateways share their counts', async () => {
    const [a, b] = gateways as [TestGateway, TestGateway];
    for (let i = 0; i < 4; i++) await post(urls[i % 2]!, PRICES);
    await post(urls[1]!, NAMES);
    // Each flushes its own counts (every 100 ms, and before it reads).
    await b.usage!.operationCount();
    const using = await a.usage!.operationsUsing(['Query.products']);
    assert.deepEqual(
      using.get('Query.products')?.map((u) => `${u.name}=${u.count}`),
      ['Prices=4', 'Names=1'],
    );
    assert.deepEqual(
      (await b.usage!.topOperations()).map((o) => o.count),
      [4, 1],
    );
  });

  it('the Redis store keeps at most maxOperations, and forgets what left the window first', async () => {
    const client = new Redis(redis.url);
    try {
      const store = createRedisUsageStore(client, { prefix: 'bound:', maxOperations: 2, bucketMs: 60_000 });
      const op = (name: string) => ({
        operation: `${name}:h`,
        name,
        hash: 'h',
        coordinates: ['Query.x'],
        count: 1,
      });
      assert.equal(await store.add([op('A'), op('B')], 10), 0);
      assert.equal(await store.add([op('A'), op('C')], 11), 1);
      assert.deepEqual((await store.read(11)).map((o) => [o.operation, o.count]).sort(), [
        ['A:h', 2],
        ['B:h', 1],
      ]);
      // B was last seen in bucket 10: a window later it makes room for C; A is still seen.
      const later = 10 + BUCKETS;
      assert.equal(await store.add([op('A'), op('C')], later), 0);
      assert.deepEqual((await store.read(later)).map((o) => o.operation).sort(), ['A:h', 'C:h']);
    } finally {
      client.disconnect();
    }
  });

  it('a Redis that goes away loses counts, never a request, and says so once', async () => {
    const [a] = gateways as [TestGateway];
    const url = urls[0]!;
    await redis.kill();
    try {
      for (let i = 0; i < 5; i++) await post(url, PRICES);
      await a.usage!.operationsUsing(['Query.products']).catch(() => undefined);
      await post(url, PRICES);
      await a.usage!.operationsUsing(['Query.products']).catch(() => undefined);
      const warnings = logger.lines.filter((l) => l.message.startsWith('usage: counts cannot be written'));
      assert.equal(warnings.length, 1);
    } finally {
      await redis.restart();
    }
  });
});
