/**
 * The cache policy of an operation (Apollo's rules for `@cacheControl`): the smallest maxAge of
 * its fields, PRIVATE when any field is; root fields and fields returning objects without a
 * policy take `defaultMaxAge`, scalars live as long as their parent; a field policy overrides its
 * type's; `inheritMaxAge` sets no maxAge of its own; fields selected on an interface count each
 * implementation; mutations, and operations too large to walk, are never cacheable.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSchema, parse } from 'graphql';
import { operationPolicy } from '../../gateway/cache/operation-policy.ts';
import type { CacheHint, CachePolicyIndex } from '../../gateway/cache/policy-index.ts';

const schema = buildSchema(`
  type Query {
    products: [Product!]!
    product: Product
    me: Account
    cheap: String
    nodes: [Node!]!
    plain: Plain
  }
  type Mutation { touch: String }
  type Product implements Node { id: ID! name: String reviews: [Review!]! owner: Account }
  type Review implements Node { id: ID! body: String }
  type Account { id: ID! email: String }
  type Plain { id: ID! child: Plain }
  interface Node { id: ID! }
`);

function index(fields: Record<string, CacheHint>, types: Record<string, CacheHint> = {}): CachePolicyIndex {
  return { fields: new Map(Object.entries(fields)), types: new Map(Object.entries(types)), keys: new Map() };
}

const policy = (
  idx: CachePolicyIndex,
  query: string,
  defaultMaxAge = 0,
  operationName: string | undefined = undefined,
) => operationPolicy(schema, idx, defaultMaxAge, parse(query), operationName);

describe('operation cache policy', () => {
  it('takes the smallest maxAge; scalars follow their parent', () => {
    const idx = index(
      { 'Query.products': { maxAge: 60 }, 'Query.cheap': { maxAge: 10 } },
      { Product: { maxAge: 120 } },
    );
    assert.deepEqual(policy(idx, '{ products { id name } }'), { maxAge: 60, scope: 'PUBLIC' });
    assert.deepEqual(policy(idx, '{ products { id } cheap }'), { maxAge: 10, scope: 'PUBLIC' });
  });

  it('a root field or a field returning an object without a policy takes defaultMaxAge', () => {
    const idx = index({ 'Query.products': { maxAge: 60 } }, { Product: { maxAge: 120 } });
    // `Product.reviews` returns Review, which has no policy: 0, not cacheable.
    assert.equal(policy(idx, '{ products { reviews { body } } }').maxAge, 0);
    assert.equal(policy(idx, '{ products { reviews { body } } }', 30).maxAge, 30);
    // `Query.cheap` is a root scalar without a policy.
    assert.equal(policy(idx, '{ cheap }').maxAge, 0);
    assert.equal(policy(idx, '{ cheap }', 15).maxAge, 15);
  });

  it('a field policy overrides its return type; the type applies where the field says nothing', () => {
    const idx = index(
      { 'Query.product': { maxAge: 300 } },
      { Product: { maxAge: 120 }, Account: { maxAge: 5 } },
    );
    assert.equal(policy(idx, '{ product { id } }').maxAge, 300);
    assert.equal(policy(idx, '{ product { owner { id } } }').maxAge, 5);
  });

  it('PRIVATE anywhere makes the operation private', () => {
    const idx = index(
      { 'Query.products': { maxAge: 60 } },
      { Product: { maxAge: 120 }, Account: { maxAge: 30, scope: 'PRIVATE' } },
    );
    assert.deepEqual(policy(idx, '{ products { owner { email } } }'), { maxAge: 30, scope: 'PRIVATE' });
    assert.deepEqual(policy(idx, '{ products { id } }'), { maxAge: 60, scope: 'PUBLIC' });
  });

  it('inheritMaxAge: the field lives as long as its parent, keeping its own scope', () => {
    const idx = index({
      'Query.plain': { maxAge: 90 },
      'Plain.child': { inheritMaxAge: true, scope: 'PRIVATE' },
    });
    assert.deepEqual(policy(idx, '{ plain { child { child { id } } } }'), { maxAge: 90, scope: 'PRIVATE' });
    // Without it, `child` returns an object without a policy: defaultMaxAge.
    assert.equal(policy(index({ 'Query.plain': { maxAge: 90 } }), '{ plain { child { id } } }').maxAge, 0);
    // On the type: every field returning it inherits.
    const inheriting = index({ 'Query.plain': { maxAge: 90 } }, { Plain: { inheritMaxAge: true } });
    assert.deepEqual(policy(inheriting, '{ plain { child { child { id } } } }'), {
      maxAge: 90,
      scope: 'PUBLIC',
    });
  });

  it('a field on an interface counts the policy of every implementation', () => {
    const idx = index(
      { 'Query.nodes': { maxAge: 60 } },
      { Product: { maxAge: 50 }, Review: { maxAge: 20 }, Node: { maxAge: 60 } },
    );
    assert.equal(policy(idx, '{ nodes { id } }').maxAge, 60);
    assert.equal(policy(idx, '{ nodes { ... on Product { owner { id } } } }', 0).maxAge, 0);
    const fieldHints = index(
      { 'Query.nodes': { maxAge: 60 }, 'Review.id': { maxAge: 7 } },
      { Product: { maxAge: 50 }, Review: { maxAge: 20 } },
    );
    assert.equal(policy(fieldHints, '{ nodes { id } }').maxAge, 7);
  });

  it('never laxer behind an interface: the types it may be, and the interface field, count', () => {
    // `Query.nodes` returns Node (60); one of its types is PRIVATE: the answer may hold it.
    const idx = index({}, { Node: { maxAge: 60 }, Product: { scope: 'PRIVATE' } });
    assert.deepEqual(policy(idx, '{ nodes { id } }'), { maxAge: 60, scope: 'PRIVATE' });
    // A hint on the interface's field counts for every implementation selected through it.
    const fieldOnInterface = index({ 'Node.id': { maxAge: 9 } }, { Node: { maxAge: 60 } });
    assert.equal(policy(fieldOnInterface, '{ nodes { id } }').maxAge, 9);
  });

  it('fragments are followed; mutations and unknown operations are not cacheable', () => {
    const idx = index(
      { 'Query.products': { maxAge: 60 }, 'Query.cheap': { maxAge: 3 } },
      { Product: { maxAge: 120 } },
    );
    assert.equal(
      policy(idx, 'query A { products { ...F } } fragment F on Product { id } query B { cheap }', 0, 'A')
        .maxAge,
      60,
    );
    assert.equal(policy(idx, 'query A { products { id } } query B { cheap }', 0, 'B').maxAge, 3);
    assert.equal(policy(idx, 'mutation { touch }', 100).maxAge, 0);
    assert.equal(policy(idx, 'query A { cheap }', 0, 'Nope').maxAge, 0);
  });

  it('an operation too large to walk is not cacheable', () => {
    const idx = index({ 'Query.plain': { maxAge: 60 } }, { Plain: { maxAge: 60 } });
    // Each fragment spreads the next twice: 2^20 fields once expanded.
    let fragments = 'fragment F20 on Plain { id }';
    for (let i = 19; i >= 0; i--)
      fragments += ` fragment F${i} on Plain { child { ...F${i + 1} } c2: child { ...F${i + 1} } }`;
    assert.equal(policy(idx, `{ plain { ...F0 } } ${fragments}`).maxAge, 0);
  });
});
