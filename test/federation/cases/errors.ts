/**
 * Errors and null propagation as the client sees them: a subgraph's errors arrive at the
 * client's path (list positions included, also for entities fetched in one batch) with
 * `extensions.serviceName` and the subgraph's own code (other extensions are kept back by default,
 * see `subgraphErrors`); a non-null field a subgraph sends
 * as null nulls the nearest nullable parent and is reported at its own path. Subgraph messages
 * are the test's own data, so they are compared as they are.
 */
import { GraphQLError } from 'graphql';
import type { ConformanceGraph } from '../conformance.ts';
import { apolloSubgraph, fed2 } from '../harness.ts';

type Ref = Record<string, unknown>;
const products = ['1', '2', '3'].map((upc) => ({ upc, name: `P${upc}` }));

const authors = (last: string | null) => [{ author: { name: 'name-u1' } }, { author: { name: last } }];
// Identical errors are sent once, with every path (gateway/errors/collapse.ts).
const notFound = {
  message: 'no product 9',
  path: ['b', 'reviews'],
  extensions: {
    code: 'NOT_FOUND',
    serviceName: 'reviews',
    paths: [
      ['b', 'reviews'],
      ['b', 'details'],
    ],
  },
};
const nullRating = (path: Array<string | number>) => ({
  message: 'Cannot return null for non-nullable field Product.rating.',
  path,
  extensions: { code: 'SUBGRAPH_ERROR', serviceName: 'reviews' },
});

export const subgraphErrors: ConformanceGraph = {
  feature: 'errors from subgraphs and null propagation',
  subgraphs: () => ({
    products: apolloSubgraph(
      `${fed2('@key')}
    type Query { products: [Product]! strict: [Product!] me: User! broken: String product(upc: String!): Product }
    type User @key(fields: "id") { id: ID! }
    type Product @key(fields: "upc") { upc: String! name: String! }`,
      {
        Query: {
          products: () => products,
          strict: () => products,
          me: () => null,
          broken: () => {
            throw new GraphQLError('products is broken', { extensions: { code: 'BROKEN', detail: 7 } });
          },
          product: (_: unknown, args: { upc: string }) => ({ upc: args.upc, name: `P${args.upc}` }),
        },
      },
    ),
    reviews: apolloSubgraph(
      `${fed2('@key')}
    type Product @key(fields: "upc") {
      upc: String! rating: Int! reviews: [String!] details: Details list: [Review!]!
    }
    type Details { weight: Int! note: String }
    type Review { body: String! author: User! }
    type User @key(fields: "id") { id: ID! }`,
      {
        Product: {
          __resolveReference: async (ref: Ref) => {
            if (ref.upc === '9')
              throw new GraphQLError('no product 9', { extensions: { code: 'NOT_FOUND' } });
            return { upc: ref.upc };
          },
          rating: (p: { upc: string }) => (p.upc === '2' ? null : 5),
          reviews: (p: { upc: string }) => {
            if (p.upc === '2') throw new Error('reviews of 2 failed');
            if (p.upc === '3')
              throw new GraphQLError('reviews of 3 hidden', { extensions: { code: 'FORBIDDEN' } });
            return ['ok'];
          },
          details: (p: { upc: string }) => ({ weight: p.upc === '2' ? null : 1, note: 'n' }),
          list: (p: { upc: string }) => [
            { body: 'a', author: { id: 'u1' } },
            { body: 'b', author: { id: `u${p.upc}` } },
          ],
        },
      },
    ),
    accounts: apolloSubgraph(
      `${fed2('@key')}
    type User @key(fields: "id") { id: ID! name: String }`,
      {
        User: {
          name: (u: { id: string }) => {
            if (u.id === 'u2') throw new Error('no name for u2');
            return `name-${u.id}`;
          },
        },
      },
    ),
  }),
  cases: [
    {
      name: 'reports entity field errors at each item of a batched list, with serviceName and extensions',
      query: '{ products { name reviews } }',
      expected: {
        errors: [
          {
            message: 'reviews of 2 failed',
            path: ['products', 1, 'reviews'],
            extensions: { code: 'SUBGRAPH_ERROR', serviceName: 'reviews' },
          },
          {
            message: 'reviews of 3 hidden',
            path: ['products', 2, 'reviews'],
            extensions: { code: 'FORBIDDEN', serviceName: 'reviews' },
          },
        ],
        data: {
          products: [
            { name: 'P1', reviews: ['ok'] },
            { name: 'P2', reviews: null },
            { name: 'P3', reviews: null },
          ],
        },
      },
    },
    {
      name: 'gives every index of nested lists to an error two entity hops away',
      query: '{ products { upc list { author { name } } } }',
      expected: {
        errors: [
          {
            message: 'no name for u2',
            path: ['products', 1, 'list', 1, 'author', 'name'],
            extensions: { code: 'SUBGRAPH_ERROR', serviceName: 'accounts' },
          },
        ],
        data: {
          products: [
            { upc: '1', list: authors('name-u1') },
            { upc: '2', list: authors(null) },
            { upc: '3', list: authors('name-u3') },
          ],
        },
      },
    },
    {
      name: 'keeps the data of other subgraphs when a root field fails',
      query: '{ broken product(upc: "1") { name rating } }',
      expected: {
        errors: [
          {
            message: 'products is broken',
            path: ['broken'],
            extensions: { code: 'BROKEN', serviceName: 'products' },
          },
        ],
        data: { broken: null, product: { name: 'P1', rating: 5 } },
      },
    },
    {
      name: 'reports an entity the subgraph could not resolve at each field asked of it, for that item only',
      query:
        '{ a: product(upc: "1") { details { note } } b: product(upc: "9") { name reviews details { note } } }',
      expected: {
        errors: [notFound],
        data: { a: { details: { note: 'n' } }, b: { name: 'P9', reviews: null, details: null } },
      },
    },
    {
      name: 'nulls the nullable list item holding a non-null field a subgraph sent as null',
      query: '{ products { name rating } }',
      expected: {
        errors: [nullRating(['products', 1, 'rating'])],
        data: { products: [{ name: 'P1', rating: 5 }, null, { name: 'P3', rating: 5 }] },
      },
    },
    {
      name: 'bubbles through non-null list items to the nullable root field; sibling fields survive',
      query: '{ strict { rating } product(upc: "3") { name } }',
      expected: {
        errors: [nullRating(['strict', 1, 'rating'])],
        data: { strict: null, product: { name: 'P3' } },
      },
    },
    {
      name: 'nulls a nested nullable object of an entity and reports the null at its own path',
      query: '{ products { details { weight note } } }',
      expected: {
        errors: [
          {
            message: 'Cannot return null for non-nullable field Details.weight.',
            path: ['products', 1, 'details', 'weight'],
            extensions: { code: 'SUBGRAPH_ERROR', serviceName: 'reviews' },
          },
        ],
        data: {
          products: [
            { details: { weight: 1, note: 'n' } },
            { details: null },
            { details: { weight: 1, note: 'n' } },
          ],
        },
      },
    },
    {
      name: 'nulls the whole data when a non-null root field is null',
      query: '{ me { id } }',
      expected: {
        errors: [
          {
            message: 'Cannot return null for non-nullable field Query.me.',
            path: ['me'],
            extensions: { code: 'SUBGRAPH_ERROR', serviceName: 'products' },
          },
        ],
        data: null,
      },
    },
  ],
};
