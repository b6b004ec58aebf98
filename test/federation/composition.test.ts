/**
 * Subgraphs that do not compose: `composeSubgraphs` names the rule, the subgraphs and the field
 * of each problem; a gateway over them has no schema, says why in its status, and answers every
 * operation with SCHEMA_NOT_READY.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'graphql';
import { composeSubgraphs, formatCompositionProblems } from '../../schema/compose.ts';
import { apolloSubgraph, fed2, forEachEngine } from './harness.ts';

const products = `${fed2('@key', '@shareable')}
  type Query { product(id: ID!): Product }
  type Product @key(fields: "id") { id: ID! price: Int! @shareable name: String! }`;
const pricing = `${fed2('@key', '@shareable')}
  type Product @key(fields: "id") { id: ID! price: String! @shareable name: String! }`;

const inputs = () => [
  { name: 'products', typeDefs: parse(products), url: 'http://products.invalid/graphql' },
  { name: 'pricing', typeDefs: parse(pricing), url: 'http://pricing.invalid/graphql' },
];

describe('composition errors', () => {
  it('names the rule, both subgraphs and the field, for a type mismatch and a non-shareable field', () => {
    const result = composeSubgraphs(inputs());
    assert.equal(result.supergraphSdl, undefined);
    assert.deepEqual(
      result.problems.map(({ code, subgraphs, coordinates }) => ({
        code,
        subgraphs: [...subgraphs].sort(),
        coordinates,
      })),
      [
        { code: 'FIELD_TYPE_MISMATCH', subgraphs: ['pricing', 'products'], coordinates: ['Product.price'] },
        {
          code: 'INVALID_FIELD_SHARING',
          subgraphs: ['pricing', 'products'],
          coordinates: ['Product.name'],
        },
      ],
    );
  });

  it('composes once the field types agree and the shared field is @shareable', () => {
    const fixed = `${fed2('@key', '@shareable')}
      type Product @key(fields: "id") { id: ID! price: Int! @shareable name: String! @shareable }`;
    const result = composeSubgraphs([
      {
        name: 'products',
        typeDefs: parse(products.replace('name: String!', 'name: String! @shareable')),
        url: 'http://p',
      },
      { name: 'pricing', typeDefs: parse(fixed), url: 'http://q' },
    ]);
    assert.equal(result.problems, undefined, JSON.stringify(result.problems));
  });

  forEachEngine(({ it: itOnEngine, start }) => {
    itOnEngine(
      'serves the subgraphs that compose and leaves out, reports and retries the one that does not',
      async () => {
        await using fed = await start(
          { products: apolloSubgraph(products), pricing: apolloSubgraph(pricing) },
          { requireSchema: false },
        );
        const status = fed.gateway.supergraph.status();
        assert.equal(status.hasSchema, true);
        assert.deepEqual(
          status.subgraphs.map((s) => [s.name, s.loaded, s.inService]),
          [
            ['products', true, true],
            ['pricing', false, false],
          ],
        );
        assert.ok(status.subgraphs[1]?.error !== undefined);
        assert.ok(status.subgraphs[1]?.retryDelay !== undefined);
        const expected = composeSubgraphs(
          inputs().map((input) => ({ ...input, url: fed.servers[input.name]!.url })),
        ).problems;
        assert.ok(expected !== undefined);
        assert.deepEqual(status.compositionProblems, formatCompositionProblems(expected));

        const { status: httpStatus, body } = await fed.query('{ product(id: "1") { id } }');
        assert.equal(httpStatus, 200);
        assert.equal(body.errors, undefined);
        assert.equal(fed.servers.products!.requests(), 1);
      },
    );
  });
});
