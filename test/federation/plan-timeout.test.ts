/**
 * Planning runs on the planner's threads within `planTimeout`: an operation that takes longer is
 * refused with OPERATION_LIMIT_EXCEEDED before any subgraph call; the refusal is not cached.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { apolloSubgraph, fed2 } from './harness.ts';

describe('planTimeout', () => {
  it('refuses an operation the planner cannot plan in time, before any subgraph call, every time', async () => {
    const products = await serveGraphQL({
      schema: apolloSubgraph(
        `${fed2('@key')}
        type Query { top: [Product] }
        type Product @key(fields: "upc") { upc: String! name: String }`,
        { Query: { top: () => [{ upc: '1' }] }, Product: { name: () => 'one' } },
      ),
    });
    const reviews = await serveGraphQL({
      schema: apolloSubgraph(
        `${fed2('@key')}
        type Product @key(fields: "upc") { upc: String! stars: Int related: [Product] }`,
        { Product: { stars: () => 5, related: () => [{ upc: '2' }] } },
      ),
    });
    const gateway = await startTestGateway({
      engine: 'plan',
      planTimeout: 1,
      subgraphs: [
        { name: 'products', kind: 'federation', url: products.url },
        { name: 'reviews', kind: 'federation', url: reviews.url },
      ],
    });
    products.resetRequests();
    try {
      // Hundreds of aliased entity joins: far more than a millisecond of planning.
      const fields = Array.from(
        { length: 300 },
        (_, i) => `a${i}: top { name stars related { name stars related { name } } }`,
      );
      const big = await gateway.query(`{ ${fields.join(' ')} }`);
      assert.equal(big.status, 400);
      assert.equal(big.body.errors?.[0]?.extensions?.code, 'OPERATION_LIMIT_EXCEEDED');
      assert.equal(products.requests(), 0);
      // The refusal is not cached: the same operation is planned again (and refused again).
      const again = await gateway.query(`{ ${fields.join(' ')} }`);
      assert.equal(again.body.errors?.[0]?.extensions?.code, 'OPERATION_LIMIT_EXCEEDED');
    } finally {
      await gateway.close();
      await products.close();
      await reviews.close();
    }
  });
});
