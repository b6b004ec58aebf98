/**
 * Partial failures: a subgraph that is down (its root field and its entity fields, nullable and
 * non-null, up to `data: null`) and a subgraph that answers `null` for an entity it does not have
 * (`_entities` without an error), or fails its whole `_entities` fetch (`data: null`, one error at
 * `["_entities"]`, as graphql-js answers when the non-null `_entities` field throws). The healthy rest is served; each error is at the client's path
 * with the gateway's code and the subgraph's name. Identical errors are sent once, with every path
 * in `extensions.paths` (`gateway/errors/collapse.ts`).
 */
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { ConformanceGraph } from '../conformance.ts';
import { apolloSubgraph, fed2 } from '../harness.ts';

const products = [
  { upc: '1', name: 'Table' },
  { upc: '2', name: 'Lamp' },
];
/** The inventory subgraph knows product 1 only: `_entities` answers null for product 2. */
const inventory: Record<string, { upc: string; stock: number; warehouse: string }> = {
  '1': { upc: '1', stock: 5, warehouse: 'W1' },
};

/** `schema` whose `_entities` field throws `error`, whatever the representations. */
function failingEntities(schema: GraphQLSchema, error: GraphQLError): GraphQLSchema {
  const field = schema.getQueryType()?.getFields()._entities;
  if (field === undefined) throw new Error('not a subgraph with entities');
  field.resolve = () => {
    throw error;
  };
  return schema;
}

const unavailable = (...paths: Array<Array<string | number>>) => ({
  message: '…',
  path: paths[0],
  extensions:
    paths.length === 1
      ? { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'reviews' }
      : { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'reviews', paths },
});

export const partialFailures: ConformanceGraph = {
  feature: 'partial failures',
  down: ['reviews'],
  subgraphs: () => ({
    products: apolloSubgraph(
      `${fed2('@key')}
      type Query { products: [Product]! topProduct: Product! }
      type Product @key(fields: "upc") { upc: String! name: String! }`,
      { Query: { products: () => products, topProduct: () => products[0] } },
    ),
    reviews: apolloSubgraph(
      `${fed2('@key')}
      type Query { latestReview: String }
      type Product @key(fields: "upc") { upc: String! rating: Int reviewCount: Int! }`,
    ),
    inventory: apolloSubgraph(
      `${fed2('@key')}
      type Product @key(fields: "upc") { upc: String! stock: Int warehouse: String! }`,
      { Product: { __resolveReference: (ref: { upc: string }) => inventory[ref.upc] ?? null } },
    ),
    pricing: failingEntities(
      apolloSubgraph(
        `${fed2('@key')}
        type Product @key(fields: "upc") { upc: String! price: Int }`,
      ),
      new GraphQLError('pricing is down for maintenance', { extensions: { code: 'MAINTENANCE' } }),
    ),
  }),
  cases: [
    {
      // One error per field asked of each entity (as when one entity fails), collapsed into one.
      name: 'an entity fetch that fails as a whole: the error of the subgraph at each entity field',
      query: '{ products { name price } }',
      expected: {
        errors: [
          {
            message: 'pricing is down for maintenance',
            path: ['products', 0, 'price'],
            extensions: {
              code: 'MAINTENANCE',
              serviceName: 'pricing',
              paths: [
                ['products', 0, 'price'],
                ['products', 1, 'price'],
              ],
            },
          },
        ],
        data: {
          products: [
            { name: 'Table', price: null },
            { name: 'Lamp', price: null },
          ],
        },
      },
    },
    {
      name: 'a root field of a subgraph that is down is null; the other root fields are served',
      query: '{ latestReview products { name } }',
      expected: {
        errors: [unavailable(['latestReview'])],
        data: { latestReview: null, products: [{ name: 'Table' }, { name: 'Lamp' }] },
      },
    },
    {
      name: 'nullable entity fields of a subgraph that is down are null, one error with every path',
      query: '{ products { name rating } }',
      expected: {
        errors: [unavailable(['products', 0, 'rating'], ['products', 1, 'rating'])],
        data: {
          products: [
            { name: 'Table', rating: null },
            { name: 'Lamp', rating: null },
          ],
        },
      },
    },
    {
      name: 'a non-null entity field of a subgraph that is down nulls each nullable list item',
      query: '{ products { name reviewCount } }',
      expected: {
        errors: [unavailable(['products', 0, 'reviewCount'], ['products', 1, 'reviewCount'])],
        data: { products: [null, null] },
      },
    },
    {
      name: 'a non-null entity field of a subgraph that is down, under a non-null root field: data is null',
      query: '{ topProduct { name reviewCount } }',
      expected: { errors: [unavailable(['topProduct', 'reviewCount'])], data: null },
    },
    {
      name: 'an entity the subgraph answers as null: its nullable fields are null, without an error',
      query: '{ products { upc stock } }',
      expected: {
        data: {
          products: [
            { upc: '1', stock: 5 },
            { upc: '2', stock: null },
          ],
        },
      },
    },
    {
      // No subgraph sent an error: the gateway reports the null at the non-null position, as
      // graphql-js does (message, locations, path), with a code but no `serviceName` (no subgraph
      // sent an error to blame), and nulls the nullable item.
      name: 'an entity the subgraph answers as null: a non-null field of it nulls the nullable list item',
      query: '{ products { upc warehouse } }',
      stitchingTodo:
        'stitching engine: reports the null as a SUBGRAPH_ERROR of inventory, which sent no error, and without locations',
      expected: {
        errors: [
          {
            message: '…',
            locations: [{ line: 1, column: 18 }],
            path: ['products', 1, 'warehouse'],
            extensions: { code: 'SUBGRAPH_ERROR' },
          },
        ],
        data: { products: [{ upc: '1', warehouse: 'W1' }, null] },
      },
    },
  ],
};
