/**
 * `@shareable` (the same field resolved by two subgraphs) and `@override` (a field moved from one
 * subgraph to another: the old one must never be asked for it).
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { apolloSubgraph, fed2, forEachEngine } from './harness.ts';

type Ref = Record<string, unknown>;

describe('@shareable', () => {
  forEachEngine(({ it, start }) => {
    it('resolves a shareable field in whichever subgraph already holds the entity', async () => {
      await using fed = await start({
        catalog: apolloSubgraph(
          `${fed2('@key', '@shareable')}
        type Query { featured: Product! }
        type Product @key(fields: "upc") { upc: String! name: String! @shareable }`,
          { Query: { featured: () => ({ upc: '1', name: 'Table (catalog)' }) } },
        ),
        search: apolloSubgraph(
          `${fed2('@key', '@shareable')}
        type Query { search(text: String!): [Product!]! }
        type Product @key(fields: "upc") { upc: String! name: String! @shareable }`,
          { Query: { search: () => [{ upc: '2', name: 'Lamp (search)' }] } },
        ),
      });
      const { body } = await fed.query('{ featured { upc name } search(text: "l") { upc name } }');
      // Each answer comes from the subgraph of its root field: no entity fetch across subgraphs.
      assert.deepEqual(body, {
        data: {
          featured: { upc: '1', name: 'Table (catalog)' },
          search: [{ upc: '2', name: 'Lamp (search)' }],
        },
      });
      assert.equal(fed.servers.catalog!.requests(), 1);
      assert.equal(fed.servers.search!.requests(), 1);
    });

    it('merges a shareable value type returned by two subgraphs', async () => {
      await using fed = await start({
        geo: apolloSubgraph(
          `${fed2('@shareable')}
        type Query { origin: Point! }
        type Point @shareable { x: Int! y: Int! }`,
          { Query: { origin: () => ({ x: 0, y: 0 }) } },
        ),
        routes: apolloSubgraph(
          `${fed2('@shareable')}
        type Query { destination: Point! }
        type Point @shareable { x: Int! y: Int! }`,
          { Query: { destination: () => ({ x: 3, y: 4 }) } },
        ),
      });
      const { body } = await fed.query('{ origin { x y } destination { x y } }');
      assert.deepEqual(body, { data: { origin: { x: 0, y: 0 }, destination: { x: 3, y: 4 } } });
    });
  });
});

describe('@override', () => {
  forEachEngine(({ it, start }) => {
    it('resolves a moved field in the new subgraph and never asks the old one for it', async () => {
      let oldResolverCalls = 0;
      await using fed = await start({
        products: apolloSubgraph(
          `${fed2('@key')}
        type Query { products: [Product!]! }
        type Product @key(fields: "upc") { upc: String! name: String! inStock: Boolean! }`,
          {
            Query: {
              products: () => [
                { upc: '1', name: 'Table' },
                { upc: '2', name: 'Lamp' },
              ],
            },
            Product: {
              inStock: () => {
                oldResolverCalls++;
                return false;
              },
            },
          },
        ),
        inventory: apolloSubgraph(
          `${fed2('@key', '@override')}
        type Product @key(fields: "upc") { upc: String! inStock: Boolean! @override(from: "products") }`,
          { Product: { __resolveReference: (ref: Ref) => ({ upc: ref.upc, inStock: ref.upc === '1' }) } },
        ),
      });
      const { body } = await fed.query('{ products { name inStock } }');
      assert.deepEqual(body, {
        data: {
          products: [
            { name: 'Table', inStock: true },
            { name: 'Lamp', inStock: false },
          ],
        },
      });
      assert.equal(oldResolverCalls, 0);
      assert.equal(fed.servers.inventory!.requests(), 1);
    });
  });
});
