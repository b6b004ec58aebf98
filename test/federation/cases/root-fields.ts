/**
 * Root fields of several subgraphs in one operation: each answered by its own subgraph, once,
 * with aliases of one field taking different arguments, a `@shareable` root field, and
 * `__typename` on the root.
 */
import type { ConformanceGraph } from '../conformance.ts';
import { apolloSubgraph, fed2 } from '../harness.ts';

const products = [
  { upc: '1', name: 'Table' },
  { upc: '2', name: 'Lamp' },
  { upc: '3', name: 'Chair' },
];

export const rootFields: ConformanceGraph = {
  feature: 'root fields on several subgraphs',
  subgraphs: () => ({
    accounts: apolloSubgraph(
      `${fed2('@key', '@shareable')}
      type Query { me: User! status: String! @shareable }
      type User @key(fields: "id") { id: ID! name: String! }`,
      { Query: { me: () => ({ id: 'u1', name: 'Ada' }), status: () => 'ok' } },
    ),
    products: apolloSubgraph(
      `${fed2('@key', '@shareable')}
      type Query { topProducts(first: Int = 2): [Product!]! status: String! @shareable }
      type Product @key(fields: "upc") { upc: String! name: String! }`,
      {
        Query: {
          topProducts: (_: unknown, args: { first: number }) => products.slice(0, args.first),
          status: () => 'ok',
        },
      },
    ),
    shipping: apolloSubgraph(
      `${fed2()}
      type Query { zones: [String!]! }`,
      { Query: { zones: () => ['EU', 'US'] } },
    ),
  }),
  cases: [
    {
      name: 'answers root fields of three subgraphs, one request to each',
      query: '{ me { name } topProducts { name } zones }',
      expected: {
        data: {
          me: { name: 'Ada' },
          topProducts: [{ name: 'Table' }, { name: 'Lamp' }],
          zones: ['EU', 'US'],
        },
      },
      requests: { accounts: 1, products: 1, shipping: 1 },
    },
    {
      name: 'aliases of one root field with different arguments, between fields of other subgraphs',
      query:
        '{ one: topProducts(first: 1) { upc } zones all: topProducts(first: 3) { upc name } who: me { id } }',
      expected: {
        data: {
          one: [{ upc: '1' }],
          zones: ['EU', 'US'],
          all: [
            { upc: '1', name: 'Table' },
            { upc: '2', name: 'Lamp' },
            { upc: '3', name: 'Chair' },
          ],
          who: { id: 'u1' },
        },
      },
    },
    {
      name: 'a shareable root field next to fields of both subgraphs that share it',
      query: '{ status me { id } topProducts(first: 1) { name } }',
      expected: { data: { status: 'ok', me: { id: 'u1' }, topProducts: [{ name: 'Table' }] } },
    },
    {
      name: '__typename on the root next to a root field',
      query: '{ __typename zones }',
      expected: { data: { __typename: 'Query', zones: ['EU', 'US'] } },
      requests: { accounts: 0, products: 0, shipping: 1 },
    },
  ],
};
