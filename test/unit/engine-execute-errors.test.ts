/**
 * The plan executor's errors: each at its client path. Entity errors move from
 * `["_entities", i, ...]` to each location of representation `i`; a failed entity fetch or an
 * entity missing from the answer gives one error per entity location; a failed root fetch keeps
 * its errors at its root fields, and the operation has no data when nothing answered. Moved
 * errors keep their `extensions` object (provenance) and `serviceName`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionResult } from '@graphql-tools/utils';
import { GraphQLError } from 'graphql';
import { gatewayError, isGatewayError } from '../../core/errors.ts';
import type { PlanFetch } from '../../gateway/engine/contract.ts';
import { executePlan } from '../../gateway/engine/execute/index.ts';
import type { PlanGraph } from '../helpers/plan-graph.ts';
import { shopGraph } from './engine-execute.fixtures.ts';

const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
const paths = (errors: readonly GraphQLError[]) => errors.map((e) => e.path);
const codes = (errors: readonly GraphQLError[]) => errors.map((e) => e.extensions.code);

/** Runs `query` on `graph`, recording the errors each subgraph call returned. */
async function runRecording(graph: PlanGraph, query: string) {
  const returned: GraphQLError[] = [];
  const fetch: PlanFetch = async (serviceName, request) => {
    const result = await graph.fetch(serviceName, request);
    returned.push(...((result.errors ?? []) as GraphQLError[]));
    return result;
  };
  const tree = await executePlan({
    plan: graph.plan(query),
    schema: graph.schema,
    variables: {},
    fetch,
    context: {},
  });
  return { tree, returned };
}

describe('plan executor: errors', () => {
  it('moves an error at ["_entities", i, ...] to the entity path, keeping its extensions object', async () => {
    const graph = shopGraph();
    const { tree, returned } = await runRecording(graph, '{ topProducts { name stock } }');
    assert.deepEqual(paths(returned), [['_entities', 1, 'stock']]);
    assert.deepEqual(paths(tree.errors), [['topProducts', 1, 'stock']]);
    assert.equal(tree.errors[0]!.message, 'stock unknown for 2');
    assert.equal(tree.errors[0]!.extensions, returned[0]!.extensions);
    const products = (json(tree.data) as { topProducts: Array<{ stock: number | null }> }).topProducts;
    assert.deepEqual(
      products.map((p) => p.stock),
      [7, null, 7],
    );
  });

  it('gives an error of a deduplicated representation to each of its locations', async () => {
    const graph = shopGraph();
    const error = gatewayError('SUBGRAPH_ERROR', 'no name', {
      serviceName: 'accounts',
      path: ['_entities', 0, 'name'],
    });
    graph.intercept = (call) =>
      call.serviceName === 'accounts'
        ? { data: { _entities: [{ name: null }, { name: 'Alan' }] }, errors: [error] }
        : undefined;
    const tree = await graph.run('{ reviews { author { name } } }');
    assert.deepEqual(paths(tree.errors), [
      ['reviews', 0, 'author', 'name'],
      ['reviews', 2, 'author', 'name'],
    ]);
    for (const moved of tree.errors) {
      assert.equal(moved.extensions, error.extensions);
      assert.ok(isGatewayError(moved));
    }
  });

  it('keeps an error at a position no representation was sent for, without a path', async () => {
    const graph = shopGraph();
    const stray = gatewayError('SUBGRAPH_BAD_RESPONSE', 'extra entity', {
      serviceName: 'accounts',
      path: ['_entities', 5],
    });
    graph.intercept = (call) =>
      call.serviceName === 'accounts'
        ? { data: { _entities: [{ name: 'Ada' }, { name: 'Alan' }] }, errors: [stray] }
        : undefined;
    const tree = await graph.run('{ reviews { author { name } } }');
    assert.deepEqual(paths(tree.errors), [undefined]);
    assert.equal(tree.errors[0]!.extensions, stray.extensions);
  });

  it('records no error for an entity the subgraph answered null ("not found"): its fields stay unanswered', async () => {
    const graph = shopGraph();
    graph.intercept = (call) =>
      call.serviceName === 'accounts' ? { data: { _entities: [null, { name: 'Alan' }] } } : undefined;
    const tree = await graph.run('{ reviews { author { name } } }');
    assert.deepEqual(tree.errors, []);
    const authors = (json(tree.data) as { reviews: Array<{ author: Record<string, unknown> }> }).reviews;
    assert.deepEqual(authors[0]!.author, { __typename: 'User', id: 'u1' });
    assert.deepEqual(authors[1]!.author, { __typename: 'User', id: 'u2', name: 'Alan' });
  });

  it('records an error at each field asked of an entity whose answer has no list at all', async () => {
    const graph = shopGraph();
    graph.intercept = (call) => (call.serviceName === 'accounts' ? { data: {} } : undefined);
    const tree = await graph.run('{ reviews { author { name } } }');
    assert.deepEqual(paths(tree.errors), [
      ['reviews', 0, 'author', 'name'],
      ['reviews', 1, 'author', 'name'],
      ['reviews', 2, 'author', 'name'],
    ]);
    assert.equal(tree.errors[0]!.extensions.serviceName, 'accounts');
  });

  it('records an error at each field asked of each entity when the entity fetch fails as a whole', async () => {
    const graph = shopGraph();
    const down = gatewayError('SUBGRAPH_UNAVAILABLE', 'accounts failed', { serviceName: 'accounts' });
    graph.intercept = (call) => (call.serviceName === 'accounts' ? { errors: [down] } : undefined);
    const tree = await graph.run('{ reviews { body author { name } } }');
    assert.deepEqual(paths(tree.errors), [
      ['reviews', 0, 'author', 'name'],
      ['reviews', 1, 'author', 'name'],
      ['reviews', 2, 'author', 'name'],
    ]);
    for (const error of tree.errors) assert.equal(error.extensions, down.extensions);
    const reviews = (json(tree.data) as { reviews: Array<{ body: string }> }).reviews;
    assert.equal(reviews[0]!.body, 'Love it');
  });

  it('turns a rejected fetch into SUBGRAPH_UNAVAILABLE at each field asked of each entity', async () => {
    const graph = shopGraph();
    const tree = await executePlan({
      plan: graph.plan('{ topProducts { name inStock } }'),
      schema: graph.schema,
      variables: {},
      context: {},
      fetch: (serviceName, request) =>
        serviceName === 'inventory' ? Promise.reject(new Error('boom')) : graph.fetch(serviceName, request),
    });
    assert.deepEqual(codes(tree.errors), [
      'SUBGRAPH_UNAVAILABLE',
      'SUBGRAPH_UNAVAILABLE',
      'SUBGRAPH_UNAVAILABLE',
    ]);
    assert.deepEqual(tree.errors[2]!.path, ['topProducts', 2, 'inStock']);
    assert.equal(tree.errors[0]!.extensions.serviceName, 'inventory');
  });

  it('answers an empty tree when the only root fetch fails, its error at the root field', async () => {
    const graph = shopGraph();
    const down = gatewayError('SUBGRAPH_UNAVAILABLE', 'products failed', { serviceName: 'products' });
    graph.intercept = (call) => (call.serviceName === 'products' ? { errors: [down] } : undefined);
    const tree = await graph.run('{ topProducts { name inStock } }');
    // The projection nulls the root field at its error (and data only if it were non-null).
    assert.deepEqual(json(tree.data), {});
    assert.deepEqual(paths(tree.errors), [['topProducts']]);
    assert.equal(tree.errors[0]!.extensions, down.extensions);
    assert.deepEqual(
      graph.calls.map((c) => c.serviceName),
      ['products'],
    );
  });

  it('keeps the data of the other root fetches when one fails', async () => {
    const graph = shopGraph();
    const down = gatewayError('SUBGRAPH_UNAVAILABLE', 'products failed', { serviceName: 'products' });
    graph.intercept = (call) => (call.serviceName === 'products' ? { errors: [down] } : undefined);
    const tree = await graph.run('{ topProducts { name } me { name } }');
    assert.deepEqual(json(tree.data), { me: { name: 'Ada' } });
    assert.deepEqual(paths(tree.errors), [['topProducts']]);
  });

  it('keeps the paths of root errors, and reads errors sent as plain JSON', async () => {
    const graph = shopGraph();
    graph.intercept = (call): ExecutionResult | undefined =>
      call.serviceName === 'products'
        ? ({
            data: { product: null },
            errors: [
              {
                message: 'not found',
                path: ['product'],
                extensions: { code: 'NOT_FOUND', serviceName: 'products' },
              },
            ],
          } as unknown as ExecutionResult)
        : undefined;
    const tree = await graph.run('{ product(upc: "9") { name } }');
    assert.deepEqual(json(tree.data), { product: null });
    assert.ok(tree.errors[0] instanceof GraphQLError);
    assert.deepEqual(tree.errors[0]!.path, ['product']);
    assert.deepEqual(tree.errors[0]!.extensions, { code: 'NOT_FOUND', serviceName: 'products' });
  });

  it('puts a path-less entity error at each field asked of every entity', async () => {
    const graph = shopGraph();
    const warning = new GraphQLError('partial outage', {
      extensions: { code: 'DEGRADED', serviceName: 'inventory' },
    });
    graph.intercept = (call) =>
      call.serviceName === 'inventory'
        ? { data: { _entities: [{ inStock: true }, { inStock: false }] }, errors: [warning] }
        : undefined;
    const tree = await graph.run('{ reviews { product { inStock } } }');
    assert.deepEqual(paths(tree.errors), [
      ['reviews', 0, 'product', 'inStock'],
      ['reviews', 1, 'product', 'inStock'],
      ['reviews', 2, 'product', 'inStock'],
    ]);
    const reviews = (json(tree.data) as { reviews: Array<{ product: { inStock: boolean } }> }).reviews;
    assert.deepEqual(
      reviews.map((r) => r.product.inStock),
      [true, true, false],
    );
  });

  it('answers a Subscription node with OPERATION_NOT_SUPPORTED', async () => {
    const graph = shopGraph();
    const tree = await executePlan({
      plan: {
        kind: 'QueryPlan',
        node: { kind: 'Subscription', primary: { kind: 'Fetch', serviceName: 'products', operation: '{a}' } },
      },
      schema: graph.schema,
      variables: {},
      fetch: graph.fetch,
      context: {},
    });
    assert.deepEqual(json(tree.data), {});
    assert.deepEqual(codes(tree.errors), ['OPERATION_NOT_SUPPORTED']);
    assert.equal(graph.calls.length, 0);
  });
});
