/**
 * `@shareable` (the same field resolved by two subgraphs) and `@override` (a field moved from one
 * subgraph to another: the old one must never be asked for it).
 */
import { GraphQLError } from 'graphql';
import type { ConformanceGraph } from '../conformance.ts';
import { apolloSubgraph, fed2 } from '../harness.ts';

type Ref = Record<string, unknown>;

export const shareableOverride: readonly ConformanceGraph[] = [
  {
    feature: '@shareable',
    subgraphs: () => ({
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
    }),
    cases: [
      {
        name: 'resolves a shareable field in whichever subgraph already holds the entity',
        query: '{ featured { upc name } search(text: "l") { upc name } }',
        expected: {
          data: {
            featured: { upc: '1', name: 'Table (catalog)' },
            search: [{ upc: '2', name: 'Lamp (search)' }],
          },
        },
        // Each answer comes from the subgraph of its root field: no entity fetch across subgraphs.
        requests: { catalog: 1, search: 1 },
      },
    ],
  },
  {
    feature: '@shareable',
    subgraphs: () => ({
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
    }),
    cases: [
      {
        name: 'merges a shareable value type returned by two subgraphs',
        query: '{ origin { x y } destination { x y } }',
        expected: { data: { origin: { x: 0, y: 0 }, destination: { x: 3, y: 4 } } },
      },
    ],
  },
  {
    feature: '@override',
    subgraphs: () => ({
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
            // Being asked for the moved field shows in the answer.
            inStock: () => {
              throw new GraphQLError('products was asked for inStock');
            },
          },
        },
      ),
      inventory: apolloSubgraph(
        `${fed2('@key', '@override')}
        type Product @key(fields: "upc") { upc: String! inStock: Boolean! @override(from: "products") }`,
        { Product: { __resolveReference: (ref: Ref) => ({ upc: ref.upc, inStock: ref.upc === '1' }) } },
      ),
    }),
    cases: [
      {
        name: 'resolves a moved field in the new subgraph and never asks the old one for it',
        query: '{ products { name inStock } }',
        expected: {
          data: {
            products: [
              { name: 'Table', inStock: true },
              { name: 'Lamp', inStock: false },
            ],
          },
        },
        requests: { inventory: 1 },
      },
    ],
  },
];
