import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type RestServer, startRestServer } from '../fixtures/rest/rest-server.ts';
import { shopApi } from '../fixtures/rest/shop-api.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const schemaFile = fileURLToPath(new URL('../fixtures/rest/shop.graphql', import.meta.url));

describe('REST mapping: @rest fields, templates, select, @map, mutations', () => {
  let api: RestServer;
  let gateway: TestGateway;
  before(async () => {
    api = await startRestServer(shopApi());
    gateway = await startTestGateway({
      subgraphs: [
        { kind: 'rest', name: 'shop', url: api.url, schemaFile, headers: { 'X-Api-Key': 'secret' } },
      ],
    });
  });
  after(async () => {
    await gateway?.close();
    await api?.close();
  });
  beforeEach(() => api.reset());

  it('renders path templates with URL-encoded arguments', async () => {
    const { body } = await gateway.query('query($id: ID!) { product(id: $id) { id name } }', { id: 'a/b c' });
    assert.equal(body.errors, undefined);
    assert.deepEqual(body.data, { product: null });
    assert.equal(api.requests[0]?.path, '/products/a%2Fb%20c');
    // Dot segments would climb out of the path: no call is made.
    const climbing = await gateway.query('{ product(id: "..") { id } }');
    assert.deepEqual(climbing.body.data, { product: null });
    assert.equal(api.requests.length, 1);
    const found = await gateway.query('{ product(id: "p2") { id name priceCents status } }');
    assert.deepEqual(found.body.data, {
      product: { id: 'p2', name: 'Lamp', priceCents: 1900, status: 'SOLD_OUT' },
    });
  });

  it('sends query parameters that have a value and drops the others', async () => {
    const { body } = await gateway.query('{ products(first: 2) { id } }');
    assert.deepEqual(body.data, { products: [{ id: 'p1' }, { id: 'p2' }] });
    assert.equal(api.requests[0]?.query.get('limit'), '2');
    assert.equal(api.requests[0]?.query.has('category'), false);

    const filtered = await gateway.query('{ products(category: "furniture", first: 10) { name } }');
    assert.deepEqual(
      (filtered.body.data as { products: Array<{ name: string }> }).products.map((p) => p.name),
      ['Chair', 'Desk', 'Shelf', 'Stool'],
    );
    assert.equal(api.requests[1]?.query.get('category'), 'furniture');
  });

  it('takes part of the answer with select', async () => {
    const { body } = await gateway.query('{ productCount(category: "lighting") }');
    assert.deepEqual(body.data, { productCount: 1 });
  });

  it('sends header templates and the configured headers', async () => {
    const { body } = await gateway.query('{ a: whoami(tenant: "acme") { name api } b: whoami { name } }');
    assert.deepEqual(body.data, { a: { name: 'acme', api: 'secret' }, b: { name: null } });
    assert.equal(api.requests.filter((r) => r.headers['x-tenant'] !== undefined).length, 1);
  });

  it('resolves object fields from their parent with {parent.x}', async () => {
    const { body } = await gateway.query('{ product(id: "p1") { related { id } } }');
    assert.equal(body.errors, undefined);
    assert.deepEqual(body.data, { product: { related: [{ id: 'p3' }, { id: 'p5' }, { id: 'p6' }] } });
    assert.equal(api.count('GET', '/products/p1/related'), 1);
  });

  it('turns a foreign key into a reference', async () => {
    const { body } = await gateway.query(
      '{ product(id: "p1") { seller { id } } rug: product(id: "p4") { seller { id } } }',
    );
    assert.deepEqual(body.data, { product: { seller: { id: 'u1' } }, rug: { seller: null } });
  });

  it('runs mutations with a JSON body from an input (renamed by @map) or from all arguments', async () => {
    const created = await gateway.query(
      'mutation { createProduct(input: { name: "Vase", priceCents: 990 }) { id name priceCents status } }',
    );
    assert.equal(created.body.errors, undefined);
    assert.deepEqual(created.body.data, {
      createProduct: { id: 'p7', name: 'Vase', priceCents: 990, status: 'IN_STOCK' },
    });
    const post = api.requests.find((r) => r.method === 'POST');
    assert.deepEqual(post?.body, { product_name: 'Vase', price_cents: 990, status: 'in-stock' });
    assert.equal(post?.headers['content-type'], 'application/json');

    const patched = await gateway.query(
      'mutation { updatePrice(id: "p7", price_cents: 1290) { priceCents } }',
    );
    assert.deepEqual(patched.body.data, { updatePrice: { priceCents: 1290 } });
    assert.deepEqual(api.requests.find((r) => r.method === 'PATCH')?.body, { id: 'p7', price_cents: 1290 });

    const deleted = await gateway.query('mutation { deleteProduct(id: "p7") }');
    assert.deepEqual(deleted.body.data, { deleteProduct: true });
    assert.equal(api.count('DELETE', '/products/p7'), 1);
    const gone = await gateway.query('{ product(id: "p7") { id } }');
    assert.deepEqual(gone.body.data, { product: null });
  });
});
