/**
 * A subgraph that answers `_entities` with fewer (or more) entries than representations: the
 * positions it did not answer are a SUBGRAPH_BAD_RESPONSE at the client's path, not a silent
 * `null` (issue 6 §4). The subgraphs are real servers on loopback.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { apolloSubgraph, fed2, forEachEngine } from './harness.ts';

const products = ['1', '2', '3'].map((upc) => ({ upc }));

/** `schema` whose `_entities` answer is passed through `edit` before it is sent. */
function withEntities(schema: GraphQLSchema, edit: (entities: unknown[]) => unknown[]): GraphQLSchema {
  const field = schema.getQueryType()!.getFields()._entities!;
  const resolve = field.resolve as GraphQLFieldResolver<unknown, unknown>;
  field.resolve = async function editedEntities(...args) {
    return edit((await resolve(...args)) as unknown[]);
  };
  return schema;
}

const subgraphs = (edit: (entities: unknown[]) => unknown[]) => ({
  products: apolloSubgraph(
    `${fed2('@key')} type Query { products: [Product]! } type Product @key(fields: "upc") { upc: String! }`,
    { Query: { products: () => products } },
  ),
  reviews: withEntities(
    apolloSubgraph(`${fed2('@key')} type Product @key(fields: "upc") { upc: String! rating: Int }`, {
      Product: { rating: (product: { upc: string }) => Number(product.upc) * 10 },
    }),
    edit,
  ),
});

const errorsOf = (body: { errors?: Array<{ path?: unknown; extensions?: Record<string, unknown> }> }) =>
  // Identical errors are collapsed into one with every path in `extensions.paths`.
  (body.errors ?? []).flatMap((e) =>
    ((e.extensions?.paths as unknown[] | undefined) ?? [e.path]).map((path) => [
      path,
      e.extensions?.code,
      e.extensions?.serviceName,
    ]),
  );

describe('_entities answered with the wrong count', () => {
  forEachEngine(({ it, start }) => {
    it('reports each missing entity as SUBGRAPH_BAD_RESPONSE at its client path', async () => {
      await using graph = await start(subgraphs((entities) => entities.slice(0, -1)));
      const { status, body } = await graph.query('{ products { upc rating } }');
      assert.equal(status, 200);
      assert.deepEqual(body.data, {
        products: [
          { upc: '1', rating: 10 },
          { upc: '2', rating: 20 },
          { upc: '3', rating: null },
        ],
      });
      assert.deepEqual(errorsOf(body), [[['products', 2, 'rating'], 'SUBGRAPH_BAD_RESPONSE', 'reviews']]);
    });

    it('reports every entity as SUBGRAPH_BAD_RESPONSE when there are extra ones', async () => {
      await using graph = await start(
        subgraphs((entities) => [...entities, { __typename: 'Product', upc: '9' }]),
      );
      const { body } = await graph.query('{ products { upc rating } }');
      const ratings = (body.data as { products: Array<{ rating: unknown }> }).products.map((p) => p.rating);
      assert.deepEqual(ratings, [null, null, null]);
      assert.deepEqual(
        errorsOf(body),
        [0, 1, 2].map((i) => [['products', i, 'rating'], 'SUBGRAPH_BAD_RESPONSE', 'reviews']),
      );
    });
  });
});
