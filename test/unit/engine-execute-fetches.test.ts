/**
 * The plan executor on real plans of a real graph (subgraphs executed in process with graphql-js):
 * root fetches, entity fetches through lists and lists of lists, deduplicated representations,
 * `@requires` (nested), `@provides`, aliases, conditions on variables, mutations in order.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { executePlan } from '../../gateway/engine/execute/index.ts';
import { representationsSent, shopGraph } from './engine-execute.fixtures.ts';

/** The tree as plain JSON (subgraph answers have null prototypes). */
const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('plan executor: fetches', () => {
  it('merges a root fetch and an entity fetch with nested @requires', async () => {
    const graph = shopGraph();
    const tree = await graph.run('{ topProducts { name shippingEstimate } }');
    assert.deepEqual(tree.errors, []);
    const products = (json(tree.data) as { topProducts: Array<Record<string, unknown>> }).topProducts;
    assert.deepEqual(
      products.map((p) => [p.name, p.shippingEstimate]),
      [
        ['Table', 1011],
        ['Couch', 2023],
        ['Chair', 510],
      ],
    );
    assert.deepEqual(
      graph.calls.map((c) => c.serviceName),
      ['products', 'inventory'],
    );
    assert.deepEqual(json(representationsSent(graph)[1]![1][0]), {
      __typename: 'Product',
      price: 100,
      weight: 10,
      dims: { w: 1 },
      upc: '1',
    });
  });

  it('walks lists of lists, skipping nulls and empty lists', async () => {
    const graph = shopGraph();
    const tree = await graph.run('{ matrix { upc inStock } }');
    assert.deepEqual(tree.errors, []);
    const matrix = (json(tree.data) as { matrix: Array<Array<{ upc: string; inStock: boolean } | null>> })
      .matrix;
    assert.deepEqual(
      matrix.map((row) => row.map((p) => p && [p.upc, p.inStock])),
      [
        [
          ['1', true],
          ['2', true],
        ],
        [null, ['3', false]],
        [],
      ],
    );
  });

  it('sends each distinct representation once and merges its answer into every object', async () => {
    const graph = shopGraph();
    const tree = await graph.run('{ reviews { body product { price } author { name } } }');
    assert.deepEqual(tree.errors, []);
    const sent = new Map(representationsSent(graph));
    assert.deepEqual(json(sent.get('products')), [
      { __typename: 'Product', upc: '1' },
      { __typename: 'Product', upc: '2' },
    ]);
    assert.deepEqual(json(sent.get('accounts')), [
      { __typename: 'User', id: 'u1' },
      { __typename: 'User', id: 'u2' },
    ]);
    const reviews = (
      json(tree.data) as { reviews: Array<{ product: { price: number }; author: { name: string } }> }
    ).reviews;
    assert.deepEqual(
      reviews.map((r) => [r.product.price, r.author.name]),
      [
        [100, 'Ada'],
        [100, 'Alan'],
        [200, 'Ada'],
      ],
    );
  });

  it('deduplicates representations holding nested objects', async () => {
    const graph = shopGraph();
    const tree = await graph.run('{ reviews { product { shippingEstimate } } }');
    assert.deepEqual(tree.errors, []);
    const sent = new Map(representationsSent(graph));
    assert.deepEqual(json(sent.get('inventory')), [
      { __typename: 'Product', price: 100, weight: 10, dims: { w: 1 }, upc: '1' },
      { __typename: 'Product', price: 200, weight: 20, dims: { w: 3 }, upc: '2' },
    ]);
    const reviews = (json(tree.data) as { reviews: Array<{ product: { shippingEstimate: number } }> })
      .reviews;
    assert.deepEqual(
      reviews.map((r) => r.product.shippingEstimate),
      [1011, 1011, 2023],
    );
  });

  it('takes a @provides field from the providing subgraph without an entity fetch', async () => {
    const graph = shopGraph();
    const tree = await graph.run('{ reviews { product { name } } }');
    assert.deepEqual(tree.errors, []);
    assert.deepEqual(
      graph.calls.map((c) => c.serviceName),
      ['reviews'],
    );
    assert.equal(
      (json(tree.data) as { reviews: Array<{ product: { name: string } }> }).reviews[0]!.product.name,
      'Table (provided)',
    );
  });

  it('keys the tree by the client aliases, also on entity paths', async () => {
    const graph = shopGraph();
    const tree = await graph.run('{ top: topProducts { n: name ship: shippingEstimate } }');
    assert.deepEqual(tree.errors, []);
    const top = (json(tree.data) as { top: Array<{ n: string; ship: number }> }).top;
    assert.deepEqual(top[0] && [top[0].n, top[0].ship], ['Table', 1011]);
  });

  it('keeps a field aliased __proto__ as an own key, entity fetches included', async () => {
    const graph = shopGraph();
    const tree = await graph.run('{ __proto__: topProducts { name inStock } }');
    assert.deepEqual(tree.errors, []);
    assert.ok(tree.data && Object.hasOwn(tree.data, '__proto__'));
    const products = Object.getOwnPropertyDescriptor(tree.data, '__proto__')?.value as Array<{
      inStock: boolean;
    }>;
    assert.deepEqual(
      products.map((p) => p.inStock),
      [true, true, false],
    );
    assert.equal(({} as Record<string, unknown>).inStock, undefined);
  });

  it('runs the nodes of a Parallel at once', async () => {
    const graph = shopGraph();
    let started = 0;
    let release: () => void = () => {};
    const bothStarted = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tree = await executePlan({
      plan: graph.plan('{ topProducts { name } me { name } }'),
      schema: graph.schema,
      variables: {},
      context: {},
      fetch: async (serviceName, request) => {
        started++;
        if (started === 2) release();
        // Each call waits for the other: run one after the other, they would wait forever.
        await Promise.race([
          bothStarted,
          new Promise((_, reject) => setTimeout(reject, 2000, new Error('sequential'))),
        ]);
        return graph.fetch(serviceName, request);
      },
    });
    assert.deepEqual(tree.errors, []);
    assert.deepEqual((json(tree.data) as { me: unknown }).me, { name: 'Ada' });
  });

  it('runs a Condition branch by its variable (@skip, @include)', async () => {
    const graph = shopGraph();
    const query = 'query($skip: Boolean!) { topProducts { name reviews @skip(if: $skip) { body } } }';
    await graph.run(query, { skip: true });
    assert.deepEqual(
      graph.calls.map((c) => c.serviceName),
      ['products'],
    );
    const tree = await graph.run(query, { skip: false });
    assert.deepEqual(
      graph.calls.map((c) => c.serviceName),
      ['products', 'reviews'],
    );
    const products = (json(tree.data) as { topProducts: Array<{ reviews: unknown[] }> }).topProducts;
    assert.equal(products[0]!.reviews.length, 2);
  });

  it("passes a fetch only the variables it uses, and the operation's context", async () => {
    const graph = shopGraph();
    const context = { request: 'r1' };
    const query =
      'query($upc: String!, $other: Int, $on: Boolean!) { product(upc: $upc) @include(if: $on) { name } }';
    const plan = graph.plan(query);
    graph.calls = [];
    const tree = await executePlan({
      plan,
      schema: graph.schema,
      variables: { upc: '2', other: 3, on: true },
      fetch: graph.fetch,
      context,
    });
    assert.deepEqual(json(tree.data), { product: { name: 'Couch' } });
    const request = graph.calls[0]!.request;
    assert.deepEqual(request.variables, { upc: '2', on: true });
    assert.equal(request.context, context);
    assert.equal(request.operationType, 'query');
  });

  it('parses each fetch operation once per plan node', async () => {
    const graph = shopGraph();
    const plan = graph.plan('{ topProducts { name inStock } }');
    const input = { plan, schema: graph.schema, variables: {}, fetch: graph.fetch, context: {} };
    await executePlan(input);
    const first = graph.calls.map((c) => c.request.document);
    graph.calls = [];
    await executePlan(input);
    assert.equal(first.length, 2);
    assert.deepEqual(
      graph.calls.map((call, i) => call.request.document === first[i]),
      [true, true],
    );
  });

  it("runs a mutation's root fields in order, each entity fetch with that field's answer", async () => {
    const graph = shopGraph();
    const tree = await graph.run(`mutation {
      a: setPrice(upc: "1", price: 5) { shippingEstimate }
      r: addReview(upc: "1", body: "new") { id product { reviews { id } } }
      b: setPrice(upc: "1", price: 7) { shippingEstimate }
    }`);
    assert.deepEqual(tree.errors, []);
    const data = json(tree.data) as {
      a: { shippingEstimate: number };
      r: { id: string; product: { reviews: Array<{ id: string }> } };
      b: { shippingEstimate: number };
    };
    assert.equal(data.a.shippingEstimate, 61);
    assert.equal(data.b.shippingEstimate, 81);
    assert.deepEqual(
      data.r.product.reviews.map((r) => r.id),
      ['r1', 'r2', 'r4'],
    );
    const mutations = graph.calls
      .filter((c) => c.request.operationType === 'mutation')
      .map((c) => c.serviceName);
    assert.deepEqual(mutations, ['products', 'reviews', 'products']);
  });

  it('answers no data and no errors for an empty plan', async () => {
    const graph = shopGraph();
    const tree = await executePlan({
      plan: { kind: 'QueryPlan' },
      schema: graph.schema,
      variables: {},
      fetch: graph.fetch,
      context: {},
    });
    assert.deepEqual(tree, { data: {}, errors: [] });
  });
});
