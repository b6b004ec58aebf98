/**
 * Config coordinates checked against a composed supergraph (schema/supergraph-coordinates.ts),
 * the one rule `subgraphs[].policies` and `subgraphs[].cost` share: a field only referenced
 * (`external`), overridden or added from an `@interfaceObject` (`@join__field` without `graph`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'graphql';
import { buildCostIndex } from '../../gateway/demand-control/build-index.ts';
import { buildPolicyIndex } from '../../gateway/policies/build-index.ts';
import { composeSubgraphs } from '../../schema/compose.ts';
import { buildGatewaySchema } from '../../schema/supergraph.ts';
import { resolveCoordinate, supergraphCoordinates } from '../../schema/supergraph-coordinates.ts';

const link = (imports: string) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ${imports})\n`;
const shop = `${link('["@key", "@external", "@provides", "@override"]')}
  type Query { products: [Product!]! @provides(fields: "name") media: [Media!]! }
  type Product @key(fields: "id") {
    id: ID! name: String @external price: Int @override(from: "stock") weight: Int @override(from: "stock", label: "percent(50)")
  }
  interface Media @key(fields: "id") { id: ID! title: String }
  type Book implements Media @key(fields: "id") { id: ID! title: String }`;
const stock = `${link('["@key", "@external", "@requires"]')}
  type Product @key(fields: "id") { id: ID! name: String price: Int weight: Int size: Int @external ship(speed: Int): Int @requires(fields: "size") }`;
const sizes = `${link('["@key", "@shareable"]')}
  type Product @key(fields: "id") { id: ID! size: Int @shareable }`;
const reviews = `${link('["@key", "@interfaceObject"]')}
  type Media @key(fields: "id") @interfaceObject { id: ID! reviews: [String] }`;

function supergraph(): string {
  const result = composeSubgraphs(
    Object.entries({ shop, stock, sizes, reviews }).map(([name, sdl]) => ({
      name,
      typeDefs: parse(sdl),
      url: `http://${name}.invalid`,
    })),
  );
  assert.ok(result.supergraphSdl, JSON.stringify(result.problems));
  return result.supergraphSdl;
}

const sdl = supergraph();
const schema = buildGatewaySchema(sdl, () => async () => ({ data: null }));
const index = supergraphCoordinates(parse(sdl), schema);
const reason = (subgraph: string, coordinate: string) => {
  const resolved = resolveCoordinate(index, subgraph, coordinate);
  return resolved.ok ? resolved.kind : resolved.reason;
};

describe('supergraph coordinates', () => {
  it('the composed supergraph writes each case as expected', () => {
    assert.match(
      sdl,
      /name: String @join__field\(graph: SHOP, external: true\) @join__field\(graph: STOCK\)/,
    );
    assert.match(sdl, /price: Int @join__field\(graph: SHOP, override: "stock"\)\n/);
    assert.match(sdl, /reviews: \[String\] @join__field\n/);
  });

  it('an external field is not resolved by the subgraph that only references it', () => {
    assert.equal(reason('stock', 'Product.name'), 'field');
    assert.equal(reason('shop', 'Product.name'), 'not-resolved');
    assert.equal(reason('stock', 'Product.size'), 'not-resolved');
    assert.equal(reason('sizes', 'Product.size'), 'field');
  });

  it('an overridden field is resolved by the subgraph that took it; a progressive override by both', () => {
    assert.equal(reason('shop', 'Product.price'), 'field');
    assert.equal(reason('stock', 'Product.price'), 'not-resolved');
    assert.equal(reason('shop', 'Product.weight'), 'field');
    assert.equal(reason('stock', 'Product.weight'), 'field');
  });

  it('an overridden field kept for a key (usedOverridden) is not resolved by the overridden subgraph', () => {
    const keyed = sdl.replace(
      'price: Int @join__field(graph: SHOP, override: "stock")',
      'price: Int @join__field(graph: SHOP, override: "stock") @join__field(graph: STOCK, usedOverridden: true)',
    );
    const keyedIndex = supergraphCoordinates(parse(keyed), schema);
    const check = (subgraph: string) => resolveCoordinate(keyedIndex, subgraph, 'Product.price').ok;
    assert.equal(check('shop'), true);
    assert.equal(check('stock'), false);
  });

  it('a @join__field without graph: the subgraphs of the @interfaceObject that resolve it', () => {
    // Book is shop's type only; its `reviews` come from the reviews subgraph's Media.
    assert.equal(reason('reviews', 'Book.reviews'), 'field');
    assert.equal(reason('shop', 'Book.reviews'), 'not-resolved');
    assert.equal(reason('reviews', 'Book.title'), 'not-in-subgraph');
    assert.equal(reason('reviews', 'Media.reviews'), 'field');
    // A hand-written supergraph without an interface object: every subgraph of the type.
    const handWritten = sdl.replace(/@join__type\(graph: REVIEWS, key: "id", isInterfaceObject: true\)/, '');
    const plain = supergraphCoordinates(parse(handWritten), schema);
    assert.equal(resolveCoordinate(plain, 'shop', 'Book.reviews').ok, true);
    assert.equal(resolveCoordinate(plain, 'reviews', 'Book.reviews').ok, false);
  });

  it('kinds, arguments and what the schema does not have', () => {
    assert.equal(reason('stock', 'Product'), 'type');
    assert.equal(reason('stock', 'Product.ship(speed:)'), 'argument');
    assert.equal(reason('stock', 'Product.ship(nope:)'), 'no-argument');
    assert.equal(reason('stock', 'Product.nope'), 'no-field');
    assert.equal(reason('stock', 'Nope'), 'no-type');
    assert.equal(reason('stock', 'Query.media'), 'not-resolved');
    assert.equal(reason('reviews', 'Product'), 'not-in-subgraph');
  });

  it('policies and costs agree on every case', () => {
    const cases: Array<[string, string, boolean]> = [
      ['shop', 'Product.name', false],
      ['stock', 'Product.name', true],
      ['stock', 'Product.price', false],
      ['shop', 'Product.price', true],
      ['stock', 'Product.weight', true],
      ['reviews', 'Book.reviews', true],
      ['shop', 'Book.reviews', false],
    ];
    for (const [subgraph, coordinate, ok] of cases) {
      const policies = buildPolicyIndex({
        supergraphSdl: sdl,
        schema,
        subgraphPolicies: new Map([[subgraph, { [coordinate]: { authenticated: true } }]]),
        policyNames: new Set(),
      });
      const costs = buildCostIndex({
        supergraphSdl: sdl,
        schema,
        subgraphCosts: new Map([[subgraph, { [coordinate]: { weight: 3 } }]]),
      });
      const what = `${subgraph} ${coordinate}`;
      assert.equal(policies.problems.length === 0, ok, `policies: ${what}: ${policies.problems}`);
      assert.equal(costs.problems.length === 0, ok, `costs: ${what}: ${costs.problems}`);
      if (ok) {
        assert.deepEqual(policies.index.fields.get(coordinate), [{ kind: 'authenticated' }], what);
        const [type, field] = coordinate.split('.') as [string, string];
        assert.equal(costs.index.fields.get(type)?.get(field)?.weight, 3, what);
      } else {
        assert.match(
          policies.problems[0]!,
          /^subgraphs\[\w+\]\.policies\[".*"\]: field .* is not resolved by subgraph/,
        );
        assert.match(
          costs.problems[0]!,
          /^subgraphs\[\w+\]\.cost\[".*"\]: field .* is not resolved by subgraph/,
        );
      }
    }
  });
});
