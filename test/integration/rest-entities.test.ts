import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunningServer } from '../../subgraphs/lib/serve-graphql.ts';
import { type RestServer, startRestServer } from '../fixtures/rest/rest-server.ts';
import { startReviewsSubgraph } from '../fixtures/rest/reviews-subgraph.ts';
import { shopApi } from '../fixtures/rest/shop-api.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const shopSdl = fileURLToPath(new URL('../fixtures/rest/shop.graphql', import.meta.url));

type Reviews = {
  reviews: Array<{ id: string; product: { name: string; seller?: { name: string } | null } | null }>;
};

describe('REST entities joined with a federation subgraph', () => {
  let api: RestServer;
  let reviews: RunningServer;
  let gateway: TestGateway;
  before(async () => {
    api = await startRestServer(shopApi());
    reviews = await startReviewsSubgraph();
    gateway = await startTestGateway({
      subgraphs: [
        { kind: 'rest', name: 'shop', url: api.url, schemaFile: shopSdl },
        { kind: 'federation', name: 'reviews', url: reviews.url },
      ],
    });
  });
  after(async () => {
    await gateway?.close();
    await reviews?.close();
    await api?.close();
  });
  beforeEach(() => api.reset());

  it('fetches N referenced products with ONE batch call, matched by key', async () => {
    const { body } = await gateway.query<Reviews>('{ reviews(first: 4) { id product { id name } } }');
    assert.equal(body.errors, undefined);
    assert.deepEqual(
      body.data?.reviews.map((r) => r.product?.name),
      ['Chair', 'Lamp', 'Desk', 'Rug'],
    );
    assert.equal(api.requests.length, 1);
    assert.equal(api.requests[0]?.path, '/products');
    assert.deepEqual(api.requests[0]?.query.get('ids')?.split(',').sort(), ['p1', 'p2', 'p3', 'p4']);
  });

  it('splits batches at maxBatchSize, asks each key once, and answers null for missing ones', async () => {
    const { body } = await gateway.query<Reviews>('{ reviews { id product { name } } }');
    // p404 is not in the batch answer: its entity is null, so its non-null `name` nulls the product.
    assert.deepEqual(
      body.errors?.map((e) => e.path),
      [['reviews', 7, 'product', 'name']],
    );
    const names = body.data?.reviews.map((r) => r.product?.name ?? null);
    assert.deepEqual(names, ['Chair', 'Lamp', 'Desk', 'Rug', 'Shelf', 'Stool', 'Chair', null]);
    // 7 distinct keys (p1 twice), at most 4 per call: 2 calls.
    assert.equal(api.count('GET', '/products'), 2);
    assert.equal(api.requests.length, 2);
    const asked = api.requests.flatMap((r) => r.query.get('ids')?.split(',') ?? []);
    assert.deepEqual(asked.sort(), ['p1', 'p2', 'p3', 'p4', 'p404', 'p5', 'p6']);
  });

  it('uses the single form for one key', async () => {
    const { body } = await gateway.query<Reviews>('{ reviews(first: 1) { product { name } } }');
    assert.deepEqual(body.data?.reviews[0]?.product, { name: 'Chair' });
    assert.deepEqual(
      api.requests.map((r) => r.path),
      ['/products/p1'],
    );
  });

  it('creates loaders per request: a second request fetches again', async () => {
    const query = '{ reviews(first: 3) { product { name } } }';
    await gateway.query(query);
    await gateway.query(query);
    assert.equal(api.count('GET', '/products'), 2);
  });

  it('resolves a foreign key to an entity of another subgraph', async () => {
    const { body } = await gateway.query<Reviews>('{ reviews(first: 4) { product { seller { name } } } }');
    assert.equal(body.errors, undefined);
    assert.deepEqual(
      body.data?.reviews.map((r) => r.product?.seller?.name ?? null),
      ['Ada', 'Grace', 'Ada', null],
    );
  });

  it('lets another subgraph extend a REST entity', async () => {
    const { body } = await gateway.query('{ product(id: "p1") { name reviews { id } } }');
    assert.equal(body.errors, undefined);
    assert.deepEqual(body.data, { product: { name: 'Chair', reviews: [{ id: 'r1' }, { id: 'r7' }] } });
    assert.equal(api.requests.length, 1);
  });
});

describe('REST entities without a batch form', () => {
  let dir: string;
  let api: RestServer;
  let reviews: RunningServer;
  let gateway: TestGateway;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatehouse-rest-'));
    const schemaFile = join(dir, 'shop.graphql');
    await writeFile(
      schemaFile,
      `type Query { product(id: ID!): Product @rest(path: "/products/{args.id}") }
       type Product @key(fields: "id") @restLookup(path: "/products/{key.id}") {
         id: ID!
         name: String @map(from: "product_name")
       }`,
    );
    // Each lookup waits a little so that calls overlap and the cap is what limits them.
    api = await startRestServer(shopApi({ delay: 20 }));
    reviews = await startReviewsSubgraph();
    gateway = await startTestGateway({
      subgraphs: [
        { kind: 'rest', name: 'shop', url: api.url, schemaFile, concurrency: 2 },
        { kind: 'federation', name: 'reviews', url: reviews.url },
      ],
    });
  });
  after(async () => {
    await gateway?.close();
    await reviews?.close();
    await api?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('sends one call per distinct key, at most `concurrency` in flight', async () => {
    api.reset();
    const { body } = await gateway.query<Reviews>('{ reviews { product { name } } }');
    assert.equal(body.errors, undefined);
    assert.deepEqual(
      body.data?.reviews.map((r) => r.product?.name ?? null),
      ['Chair', 'Lamp', 'Desk', 'Rug', 'Shelf', 'Stool', 'Chair', null],
    );
    assert.equal(api.requests.length, 7);
    assert.ok(api.requests.every((r) => r.method === 'GET' && r.path.startsWith('/products/')));
    assert.ok(api.maxInFlight() <= 2, `in flight: ${api.maxInFlight()}`);
    assert.ok(api.maxInFlight() >= 2, 'single calls run in parallel');
  });
});
