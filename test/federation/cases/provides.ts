/**
 * `@provides` and `@external`: a subgraph that provides an external field on a path answers it
 * itself, and the owning subgraph is not called for it; off that path, the owner is.
 */
import type { ConformanceGraph } from '../conformance.ts';
import { apolloSubgraph, fed2 } from '../harness.ts';

type Ref = Record<string, unknown>;

const subgraphs = () => ({
  reviews: apolloSubgraph(
    `${fed2('@key', '@external', '@provides')}
        type Query { reviews: [Review!]! }
        type Review { body: String! author: User! @provides(fields: "username") editor: User! }
        type User @key(fields: "id") { id: ID! username: String! @external }`,
    {
      Query: {
        reviews: () => [
          // The provided username differs from the owner's, to show which subgraph answered.
          { body: 'Nice', author: { id: 'u1', username: 'ada-from-reviews' }, editor: { id: 'u2' } },
        ],
      },
    },
  ),
  accounts: apolloSubgraph(
    `${fed2('@key', '@shareable')}
        type User @key(fields: "id") { id: ID! username: String! @shareable }`,
    {
      User: {
        __resolveReference: (ref: Ref) => ({ id: ref.id, username: ref.id === 'u1' ? 'ada' : 'grace' }),
      },
    },
  ),
});

const acme = { id: 'v1', name: 'Acme', country: 'SE' };

export const provides: readonly ConformanceGraph[] = [
  {
    feature: '@provides and @external',
    subgraphs,
    cases: [
      {
        name: 'answers a provided field from the providing subgraph, without calling the owner',
        query: '{ reviews { body author { id username } } }',
        expected: {
          data: { reviews: [{ body: 'Nice', author: { id: 'u1', username: 'ada-from-reviews' } }] },
        },
        requests: { accounts: 0 },
      },
      {
        name: 'fetches the same external field from its owner on a path that does not provide it',
        query: '{ reviews { author { username } editor { id username } } }',
        expected: {
          data: {
            reviews: [{ author: { username: 'ada-from-reviews' }, editor: { id: 'u2', username: 'grace' } }],
          },
        },
        requests: { accounts: 1 },
      },
    ],
  },
  {
    feature: '@provides on a nested path',
    subgraphs: () => ({
      reviews: apolloSubgraph(
        `${fed2('@key', '@external', '@provides')}
        type Query { reviews: [Review!]! topProduct: Product! }
        type Review { body: String! product: Product! @provides(fields: "name vendor { name }") }
        type Product @key(fields: "upc") { upc: String! name: String! @external vendor: Vendor! @external }
        type Vendor @key(fields: "id") { id: ID! name: String! @external }`,
        {
          Query: {
            // The provided names differ from the owner's, to show which subgraph answered.
            reviews: () => [
              {
                body: 'Solid',
                product: { upc: '1', name: 'Table (reviews)', vendor: { id: 'v1', name: 'Acme (reviews)' } },
              },
            ],
            topProduct: () => ({ upc: '1' }),
          },
        },
      ),
      products: apolloSubgraph(
        `${fed2('@key', '@shareable')}
        type Product @key(fields: "upc") { upc: String! name: String! @shareable vendor: Vendor! @shareable }
        type Vendor @key(fields: "id") { id: ID! name: String! @shareable country: String! }`,
        {
          Product: {
            __resolveReference: (ref: Ref) => ({ upc: ref.upc, name: 'Table', vendor: acme }),
          },
          Vendor: { __resolveReference: () => acme },
        },
      ),
    }),
    cases: [
      {
        name: 'answers a provided nested selection from the providing subgraph alone',
        query: '{ reviews { body product { name vendor { name } } } }',
        expected: {
          data: {
            reviews: [
              { body: 'Solid', product: { name: 'Table (reviews)', vendor: { name: 'Acme (reviews)' } } },
            ],
          },
        },
        requests: { reviews: 1, products: 0 },
      },
      {
        name: 'fetches a field that is not provided from its owner, by the provided key',
        query: '{ reviews { product { vendor { id country } } } }',
        expected: { data: { reviews: [{ product: { vendor: { id: 'v1', country: 'SE' } } }] } },
        requests: { reviews: 1, products: 1 },
      },
      {
        name: 'fetches the external fields from their owner off the provided path',
        query: '{ topProduct { name vendor { name } } }',
        expected: { data: { topProduct: { name: 'Table', vendor: { name: 'Acme' } } } },
      },
    ],
  },
];
