/**
 * The same federation cases with subgraphs built by `@apollo/subgraph` and by our own
 * `schema/federation/build-subgraph-schema.ts`: what the gateway answers must not depend on it.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { fed2, forEachEngine, subgraphBuilders } from './harness.ts';

type Ref = Record<string, unknown>;

const media = [
  { __typename: 'Book', id: 'b1', title: 'Dune', price: 10 },
  { __typename: 'Movie', id: 'm1', title: 'Alien', price: 12 },
];

for (const [builder, build] of subgraphBuilders) {
  describe(`subgraphs built with ${builder}`, () => {
    forEachEngine(({ it, start }) => {
      it('joins by a compound key and sends @requires fields', async () => {
        await using fed = await start({
          catalog: build(
            `${fed2('@key')}
          type Query { items: [Item!]! }
          type Item @key(fields: "id org") { id: ID! org: String! price: Int! }`,
            { Query: { items: () => [{ id: '1', org: 'acme', price: 100 }] } },
          ),
          tax: build(
            `${fed2('@key', '@external', '@requires')}
          type Item @key(fields: "id org") { id: ID! org: String! price: Int! @external
            vat: Int! @requires(fields: "price") }`,
            {
              Item: {
                __resolveReference: (ref: Ref) => ({ ...ref, vat: Number(ref.price) / 5 }),
              },
            },
          ),
        });
        const { body } = await fed.query('{ items { org price vat } }');
        assert.deepEqual(body, { data: { items: [{ org: 'acme', price: 100, vat: 20 }] } });
      });

      it('serves an entity interface and its @interfaceObject', async () => {
        await using fed = await start({
          media: build(
            `${fed2('@key')}
          type Query { media: [Media!]! }
          interface Media @key(fields: "id") { id: ID! title: String! }
          type Book implements Media @key(fields: "id") { id: ID! title: String! }
          type Movie implements Media @key(fields: "id") { id: ID! title: String! }`,
            {
              Query: { media: () => media },
              Media: {
                __resolveType: (m: { __typename: string }) => m.__typename,
                __resolveReference: (ref: Ref) => media.find((m) => m.id === ref.id) ?? null,
              },
            },
          ),
          pricing: build(
            `${fed2('@key', '@interfaceObject')}
          type Query { cheapest: Media! }
          type Media @key(fields: "id") @interfaceObject { id: ID! price: Int! }`,
            {
              Query: { cheapest: () => ({ id: 'b1', price: 10 }) },
              Media: { __resolveReference: (ref: Ref) => media.find((m) => m.id === ref.id) ?? null },
            },
          ),
        });
        const { body } = await fed.query(
          '{ media { __typename title price } cheapest { __typename title ... on Book { id } } }',
        );
        assert.deepEqual(body, {
          data: {
            media: [
              { __typename: 'Book', title: 'Dune', price: 10 },
              { __typename: 'Movie', title: 'Alien', price: 12 },
            ],
            cheapest: { __typename: 'Book', title: 'Dune', id: 'b1' },
          },
        });
      });

      it('reports a non-null entity field sent as null at the item, with serviceName', async () => {
        await using fed = await start({
          products: build(
            `${fed2('@key')}
          type Query { products: [Product] }
          type Product @key(fields: "upc") { upc: String! }`,
            { Query: { products: () => [{ upc: '1' }, { upc: '2' }] } },
          ),
          stock: build(
            `${fed2('@key')}
          type Product @key(fields: "upc") { upc: String! stock: Int! }`,
            { Product: { stock: (p: { upc: string }) => (p.upc === '1' ? 3 : null) } },
          ),
        });
        const { body } = await fed.query('{ products { upc stock } }');
        assert.deepEqual(body, {
          errors: [
            {
              message: 'Cannot return null for non-nullable field Product.stock.',
              path: ['products', 1, 'stock'],
              extensions: { code: 'SUBGRAPH_ERROR', serviceName: 'stock' },
            },
          ],
          data: { products: [{ upc: '1', stock: 3 }, null] },
        });
      });
    });
  });
}
