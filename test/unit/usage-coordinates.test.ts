/**
 * The schema coordinates an operation uses (gateway/usage/coordinates.ts): fields on the type
 * they are selected on (fragments, inline fragments, interfaces, aliases), arguments, input
 * fields and enum values written in the document, variables' input types, directives; only the
 * fragments the chosen operation spreads; introspection left out. And the reader's matching and
 * the memory store's window and bound.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildSchema, parse } from 'graphql';
import { operationShape } from '../../gateway/usage/coordinates.ts';
import { createReader, matches } from '../../gateway/usage/reader.ts';
import { createMemoryUsageStore } from '../../gateway/usage/store/memory-store.ts';
import { BUCKETS } from '../../gateway/usage/store/types.ts';

const schema = buildSchema(`
  type Query {
    me: User
    node(id: ID!): Node
    search(filter: SearchFilter, first: Int = 10): [Result!]!
    products(currency: Currency): [Product!]!
  }
  interface Node { id: ID! }
  type User implements Node { id: ID! name(format: NameFormat): String! friends: [User!]! }
  type Product implements Node { id: ID! price(currency: Currency): Float }
  union Result = User | Product
  enum Currency { EUR USD }
  enum NameFormat { FULL SHORT }
  input SearchFilter { text: String currency: Currency range: Range }
  input Range { min: Float max: Float }
`);

const coordinatesOf = (text: string, operationName?: string) =>
  operationShape(schema, parse(text), operationName)?.coordinates;

describe('coordinates of an operation', () => {
  test('fields on their parent type, aliases resolved to the field', () => {
    assert.deepEqual(coordinatesOf('{ me { id whoever: name } }'), ['Query.me', 'User.id', 'User.name']);
  });

  test('arguments, and enum values written in the document', () => {
    assert.deepEqual(coordinatesOf('{ me { name(format: SHORT) } products(currency: EUR) { id } }'), [
      'Currency.EUR',
      'NameFormat.SHORT',
      'Product.id',
      'Query.me',
      'Query.products',
      'Query.products(currency:)',
      'User.name',
      'User.name(format:)',
    ]);
  });

  test('named fragments, nested fragments and their type conditions', () => {
    const text = `
      query Me { me { ...UserBits } }
      fragment UserBits on User { id ...More }
      fragment More on User { friends { name } }
    `;
    assert.deepEqual(coordinatesOf(text), ['Query.me', 'User', 'User.friends', 'User.id', 'User.name']);
  });

  test('inline fragments on an interface: the interface field and the type condition', () => {
    assert.deepEqual(coordinatesOf('{ node(id: "1") { id ... on Product { price } __typename } }'), [
      'Node.id',
      'Product',
      'Product.price',
      'Query.node',
      'Query.node(id:)',
    ]);
  });

  test('union members through inline fragments', () => {
    assert.deepEqual(coordinatesOf('{ search { ... on User { id } ... on Product { id } } }'), [
      'Product',
      'Product.id',
      'Query.search',
      'User',
      'User.id',
    ]);
  });

  test('input fields and nested input objects written in the document', () => {
    const coordinates = coordinatesOf(
      '{ search(filter: { text: "a", currency: USD, range: { min: 1 } }) { __typename } }',
    );
    assert.deepEqual(coordinates, [
      'Currency.USD',
      'Query.search',
      'Query.search(filter:)',
      'Range.min',
      'SearchFilter.currency',
      'SearchFilter.range',
      'SearchFilter.text',
    ]);
  });

  test('an input object or enum given by a variable: its type counts as used', () => {
    const coordinates = coordinatesOf(
      'query S($f: SearchFilter, $c: Currency, $n: Int) { search(filter: $f, first: $n) { __typename } products(currency: $c) { id } }',
    );
    assert.deepEqual(coordinates, [
      'Currency',
      'Product.id',
      'Query.products',
      'Query.products(currency:)',
      'Query.search',
      'Query.search(filter:)',
      'Query.search(first:)',
      'SearchFilter',
    ]);
  });

  test('directives and their arguments', () => {
    assert.deepEqual(coordinatesOf('query Q($x: Boolean!) { me @include(if: $x) { id } }'), [
      '@include',
      '@include(if:)',
      'Query.me',
      'User.id',
    ]);
  });

  test('only the chosen operation and the fragments it spreads', () => {
    const text = `
      query A { me { ...F } }
      query B { products { id } }
      fragment F on User { name }
      fragment G on Product { price }
    `;
    assert.deepEqual(coordinatesOf(text, 'A'), ['Query.me', 'User', 'User.name']);
    assert.deepEqual(coordinatesOf(text, 'B'), ['Product.id', 'Query.products']);
  });

  test('introspection is no use of the graph', () => {
    assert.deepEqual(
      coordinatesOf('{ __schema { types { name fields { name } } } __type(name: "User") { name } }'),
      [],
    );
  });

  test('the name and hash identify the operation; the same text gives the same hash', () => {
    const a = operationShape(schema, parse('query Me { me { id } }'));
    const b = operationShape(schema, parse('query   Me {\n me { id }\n}'));
    assert.equal(a?.name, 'Me');
    assert.match(a?.hash ?? '', /^[0-9a-f]{16}$/);
    assert.equal(a?.hash, b?.hash);
    assert.equal(operationShape(schema, parse('{ me { id } }'))?.name, '(anonymous)');
  });
});

describe('reading usage', () => {
  test('a type matches its fields, a field its arguments, nothing else by prefix', () => {
    assert.equal(matches('User.name', 'User'), true);
    assert.equal(matches('User.name(format:)', 'User.name'), true);
    assert.equal(matches('User', 'User'), true);
    assert.equal(matches('UserProfile.id', 'User'), false);
    assert.equal(matches('User.names', 'User.name'), false);
    assert.equal(matches('Currency.EUR', 'Currency.EU'), false);
    assert.equal(matches('@include(if:)', '@include'), true);
  });

  test('`=Type` matches the type given whole, not its fields or values', () => {
    assert.equal(matches('Currency', '=Currency'), true);
    assert.equal(matches('Currency.EUR', '=Currency'), false);
    assert.equal(matches('SearchFilter.text', '=SearchFilter'), false);
  });

  test('the memory store sums the window, forgets older buckets, and keeps at most maxOperations', async () => {
    const store = createMemoryUsageStore(2);
    const op = (name: string, count: number, coordinates = ['Query.me']) => ({
      operation: `${name}:h`,
      name,
      hash: 'h',
      coordinates,
      count,
    });
    assert.equal(await store.add([op('A', 2), op('B', 1, ['Query.products'])], 100), 0);
    assert.equal(await store.add([op('A', 3), op('C', 1)], 101), 1, 'C is over the bound');
    const reader = createReader(() => store.read(101));
    assert.deepEqual(
      (await reader.operationsUsing(['Query.me', 'Query', 'User']))
        .get('Query.me')
        ?.map((u) => [u.operation, u.count]),
      [['A:h', 5]],
    );
    assert.equal((await reader.operationsUsing(['Query'])).get('Query')?.length, 2);
    assert.deepEqual((await reader.operationsUsing(['User'])).get('User'), []);
    assert.deepEqual(
      (await reader.topOperations()).map((o) => o.operation),
      ['A:h', 'B:h'],
    );
    // A window later, A and B are gone, so C finds room.
    const later = 101 + BUCKETS;
    assert.equal(await store.add([op('C', 1)], later), 0);
    assert.deepEqual(
      (await store.read(later)).map((o) => o.operation),
      ['C:h'],
    );
  });
});
