import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GatehouseError } from '../../core/errors.ts';
import type { RunningServer } from '../../subgraphs/lib/serve-graphql.ts';
import { type RestServer, startRestServer } from '../fixtures/rest/rest-server.ts';
import { startReviewsSubgraph } from '../fixtures/rest/reviews-subgraph.ts';
import { shopApi } from '../fixtures/rest/shop-api.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const schemaFile = fileURLToPath(new URL('../fixtures/rest/shop.graphql', import.meta.url));

describe('REST errors through the gateway', () => {
  let api: RestServer;
  let reviews: RunningServer;
  let gateway: TestGateway;
  before(async () => {
    const shop = shopApi();
    // The batch endpoint fails; everything else answers normally.
    api = await startRestServer((request) => {
      if (request.query.has('ids')) return { status: 503 };
      // Answers that do not fit the schema: no product_name, a price that is not an Int.
      if (request.path === '/products/odd') return { json: { id: 'odd', price_cents: 'lots' } };
      return shop(request);
    });
    reviews = await startReviewsSubgraph();
    gateway = await startTestGateway({
      subgraphs: [
        { kind: 'rest', name: 'shop', url: api.url, schemaFile },
        { kind: 'federation', name: 'reviews', url: reviews.url },
      ],
    });
  });
  after(async () => {
    await gateway?.close();
    await reviews?.close();
    await api?.close();
  });

  it('answers null without an error for a 404 on a nullable field', async () => {
    const { body } = await gateway.query('{ product(id: "nope") { id } }');
    assert.equal(body.errors, undefined);
    assert.deepEqual(body.data, { product: null });
  });

  it('maps an HTTP 500 to REST_HTTP_ERROR and keeps the rest of the answer', async () => {
    const { status, body } = await gateway.query('{ failing(status: 500) product(id: "p1") { name } }');
    assert.equal(status, 200);
    assert.deepEqual(body.data, { failing: null, product: { name: 'Chair' } });
    assert.equal(body.errors?.length, 1);
    assert.deepEqual(body.errors?.[0]?.path, ['failing']);
    assert.equal(body.errors?.[0]?.extensions?.code, 'REST_HTTP_ERROR');
    assert.equal(body.errors?.[0]?.extensions?.serviceName, 'shop');
    assert.equal(body.errors?.[0]?.extensions?.upstreamStatus, 500);
  });

  it('maps a body that is not JSON to SUBGRAPH_BAD_RESPONSE', async () => {
    const { body } = await gateway.query('{ garbage reviews(first: 1) { id } }');
    assert.deepEqual(body.data, { garbage: null, reviews: [{ id: 'r1' }] });
    assert.equal(body.errors?.[0]?.extensions?.code, 'SUBGRAPH_BAD_RESPONSE');
    assert.equal(body.errors?.[0]?.extensions?.serviceName, 'shop');
  });

  it('maps JSON that does not fit the schema to SUBGRAPH_BAD_RESPONSE', async () => {
    const { body } = await gateway.query(
      '{ a: product(id: "odd") { name } b: product(id: "odd") { priceCents } }',
    );
    assert.deepEqual(body.data, { a: null, b: null });
    assert.deepEqual(
      body.errors?.map((e) => [e.path?.[0], e.extensions?.code, e.extensions?.serviceName]),
      [
        ['a', 'SUBGRAPH_BAD_RESPONSE', 'shop'],
        ['b', 'SUBGRAPH_BAD_RESPONSE', 'shop'],
      ],
    );
  });

  it('maps a failed batch lookup to REST_HTTP_ERROR on the entities, other subgraphs still answer', async () => {
    const { body } = await gateway.query<{ reviews: Array<{ id: string; product: unknown }> }>(
      '{ reviews(first: 2) { id product { name } } }',
    );
    assert.deepEqual(
      body.data?.reviews.map((r) => r.id),
      ['r1', 'r2'],
    );
    assert.ok((body.errors?.length ?? 0) > 0);
    for (const error of body.errors ?? []) {
      assert.equal(error.extensions?.code, 'REST_HTTP_ERROR');
      assert.equal(error.extensions?.upstreamStatus, 503);
    }
  });
});

describe('REST APIs that cannot be reached', () => {
  it('maps a refused connection to SUBGRAPH_UNAVAILABLE', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const gateway = await startTestGateway({
      subgraphs: [{ kind: 'rest', name: 'shop', url: `http://127.0.0.1:${port}/api`, schemaFile }],
    });
    try {
      const { body } = await gateway.query('{ product(id: "p1") { name } }');
      assert.deepEqual(body.data, { product: null });
      assert.equal(body.errors?.[0]?.extensions?.code, 'SUBGRAPH_UNAVAILABLE');
      assert.equal(body.errors?.[0]?.extensions?.serviceName, 'shop');
    } finally {
      await gateway.close();
    }
  });

  it('maps a call past the subgraph timeout to GATEWAY_TIMEOUT', async () => {
    const api = await startRestServer(shopApi({ delay: 2_000 }));
    const gateway = await startTestGateway({
      subgraphs: [{ kind: 'rest', name: 'shop', url: api.url, schemaFile, timeout: 50 }],
    });
    try {
      const { body } = await gateway.query('{ product(id: "p1") { name } }');
      assert.deepEqual(body.data, { product: null });
      assert.equal(body.errors?.[0]?.extensions?.code, 'GATEWAY_TIMEOUT');
    } finally {
      await gateway.close();
      await api.close();
    }
  });
});

describe('a REST subgraph whose SDL is wrong', () => {
  it('stops startup with CONFIG_INVALID naming the file and the problem', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-rest-'));
    const reviews = await startReviewsSubgraph();
    const badSdl = join(dir, 'bad.graphql');
    await writeFile(
      badSdl,
      'type Query { product(id: ID!): String @rest(path: "/products/{args.productId}") }',
    );
    try {
      await assert.rejects(
        startTestGateway({
          subgraphs: [
            { kind: 'rest', name: 'shop', url: 'http://127.0.0.1:9/api', schemaFile: badSdl },
            { kind: 'federation', name: 'reviews', url: reviews.url },
          ],
        }),
        (error: unknown) => {
          assert.ok(error instanceof GatehouseError, String(error));
          assert.equal(error.code, 'CONFIG_INVALID');
          assert.ok(error.message.includes(badSdl), error.message);
          assert.match(error.message, /Query\.product/);
          return true;
        },
      );
    } finally {
      await reviews.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
