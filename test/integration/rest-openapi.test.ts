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

const openapi = fileURLToPath(new URL('../fixtures/rest/shop.openapi.yaml', import.meta.url));

describe('a REST subgraph imported from OpenAPI 3 (YAML, $refs)', () => {
  let api: RestServer;
  let reviews: RunningServer;
  let gateway: TestGateway;
  before(async () => {
    api = await startRestServer(shopApi());
    reviews = await startReviewsSubgraph();
    gateway = await startTestGateway({
      subgraphs: [
        {
          kind: 'rest',
          name: 'shop',
          url: api.url,
          openapi,
          entities: [
            {
              type: 'Product',
              key: 'id',
              operation: 'getProduct',
              batchOperation: 'list_products',
              batchParameter: 'ids',
            },
          ],
        },
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

  it('serves GET operations as Query fields with query and path parameters', async () => {
    const { body } = await gateway.query(`{
      listProducts(category: "furniture", limit: 2) { total items { id product_name status } }
      getProduct(productId: "p2") { product_name price_cents status sellerId }
      missing: getProduct(productId: "nope") { id }
      relatedProducts(productId: "p2") { id }
    }`);
    assert.equal(body.errors, undefined);
    assert.deepEqual(body.data, {
      listProducts: {
        total: 2,
        items: [
          { id: 'p1', product_name: 'Chair', status: 'IN_STOCK' },
          { id: 'p3', product_name: 'Desk', status: 'IN_STOCK' },
        ],
      },
      getProduct: { product_name: 'Lamp', price_cents: 1900, status: 'SOLD_OUT', sellerId: 'u2' },
      missing: null,
      relatedProducts: [],
    });
    const list = api.requests.find((r) => r.path === '/products');
    assert.equal(list?.query.get('limit'), '2');
    assert.equal(list?.query.get('category'), 'furniture');
  });

  it('sends header parameters', async () => {
    const { body } = await gateway.query('{ whoami(xTenant: "acme") { name } }');
    assert.deepEqual(body.data, { whoami: { name: 'acme' } });
  });

  it('serves the other methods as Mutation fields with an input body', async () => {
    const created = await gateway.query(
      'mutation { createProduct(input: { product_name: "Vase", price_cents: 990, status: SOLD_OUT }) { id status } }',
    );
    assert.equal(created.body.errors, undefined);
    const id = (created.body.data as { createProduct: { id: string; status: string } }).createProduct.id;
    assert.equal(
      (created.body.data as { createProduct: { status: string } }).createProduct.status,
      'SOLD_OUT',
    );
    assert.deepEqual(api.requests.find((r) => r.method === 'POST')?.body, {
      product_name: 'Vase',
      price_cents: 990,
      status: 'sold-out',
    });
    const updated = await gateway.query(
      `mutation { updateProduct(productId: "${id}", input: { price_cents: 1 }) { price_cents } }`,
    );
    assert.deepEqual(updated.body.data, { updateProduct: { price_cents: 1 } });
    const deleted = await gateway.query(`mutation { deleteProduct(productId: "${id}") }`);
    assert.deepEqual(deleted.body.data, { deleteProduct: true });
  });

  it('makes configured entities joinable, with one batch call from batchOperation', async () => {
    const { body } = await gateway.query<{ reviews: Array<{ product: { product_name: string } }> }>(
      '{ reviews(first: 3) { product { product_name } } }',
    );
    assert.equal(body.errors, undefined);
    assert.deepEqual(
      body.data?.reviews.map((r) => r.product.product_name),
      ['Chair', 'Lamp', 'Desk'],
    );
    assert.equal(api.requests.length, 1);
    assert.deepEqual(api.requests[0]?.query.get('ids')?.split(',').sort(), ['p1', 'p2', 'p3']);
  });

  it('uses the single operation for one key', async () => {
    const { body } = await gateway.query('{ reviews(first: 1) { product { price_cents } } }');
    assert.equal(body.errors, undefined);
    assert.deepEqual(
      api.requests.map((r) => r.path),
      ['/products/p1'],
    );
  });
});

describe('OpenAPI answers the document does not describe exactly', () => {
  const counter = {
    type: 'object',
    properties: {
      id: { type: 'string' },
      total: { type: 'integer', format: 'int64' },
      exact: { type: 'integer', format: 'int64' },
    },
  };
  const document = {
    openapi: '3.0.3',
    info: { title: 'counters', version: '1' },
    paths: {
      '/counters/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        get: {
          operationId: 'getCounter',
          parameters: [{ name: 'after', in: 'query', schema: { type: 'integer', format: 'int64' } }],
          responses: { '200': { description: 'ok', content: { 'application/json': { schema: counter } } } },
        },
        delete: {
          operationId: 'deleteCounter',
          responses: {
            '200': { description: 'ok', content: { 'text/plain': { schema: { type: 'string' } } } },
          },
        },
      },
      '/reset': { post: { operationId: 'reset', responses: { '204': { description: 'done' } } } },
    },
  };
  let api: RestServer;
  let gateway: TestGateway;
  let dir: string;
  before(async () => {
    api = await startRestServer((request) => {
      if (request.method === 'GET') {
        return { text: `{"id":"c1","total":9007199254740991,"exact":"12345678901234567890"}` };
      }
      if (request.path === '/reset') return { json: { ok: true } }; // the document says 204
      return { json: { deleted: 1 } }; // the document says text/plain
    });
    dir = await mkdtemp(join(tmpdir(), 'gatehouse-openapi-'));
    const file = join(dir, 'counters.json');
    await writeFile(file, JSON.stringify(document));
    gateway = await startTestGateway({
      subgraphs: [{ kind: 'rest', name: 'counters', url: api.url, openapi: file }],
    });
  });
  after(async () => {
    await gateway?.close();
    await api?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives int64 values as strings, every digit kept, and sends int64 arguments as given', async () => {
    const { body } = await gateway.query(
      '{ a: getCounter(id: "c1", after: 9007199254740991) { total exact } b: getCounter(id: "c1", after: "12345678901234567890") { id } }',
    );
    assert.equal(body.errors, undefined);
    assert.deepEqual(body.data?.a, { total: '9007199254740991', exact: '12345678901234567890' });
    assert.deepEqual(api.requests.map((r) => r.query.get('after')).sort(), [
      '12345678901234567890',
      '9007199254740991',
    ]);
  });

  it('answers a mutation whose document declares no JSON answer with true, whatever JSON comes', async () => {
    const { body } = await gateway.query('mutation { reset deleteCounter(id: "c1") }');
    assert.equal(body.errors, undefined);
    assert.deepEqual(body.data, { reset: true, deleteCounter: true });
  });
});
