/**
 * `gatehouse check` logic: composition of a candidate with the subgraphs in service, and the
 * breaking, dangerous and safe changes of the client-facing schema, each at its coordinate. With
 * usage: registry-check-usage.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkCandidate, formatCheckReport } from '../../gateway/registry/check/index.ts';
import {
  change,
  checkProducts,
  current,
  kindAt,
  PRODUCTS,
  REVIEWS,
  subgraph,
} from './registry-check.fixtures.ts';

describe('composition', () => {
  test('an unchanged subgraph composes and changes nothing', async () => {
    const report = await checkProducts((sdl) => sdl);
    assert.equal(report.ok, true);
    assert.deepEqual(report.compositionErrors, []);
    assert.deepEqual(report.changes, []);
    assert.match(formatCheckReport(report), /^PASS/);
  });

  test('a candidate that does not compose fails with the composition problems', async () => {
    // `Product.id` is an ID in products: a String here does not merge.
    const report = await checkCandidate({
      current,
      candidate: subgraph(
        'reviews',
        REVIEWS.replace(
          'type Product @key(fields: "id") { id: ID! }',
          'type Product @key(fields: "id") { id: String! }',
        ),
      ),
    });
    assert.equal(report.ok, false);
    assert.ok(report.compositionErrors.length > 0);
    assert.match(report.compositionErrors.join('\n'), /Product\.id/);
    assert.match(formatCheckReport(report), /^FAIL: the candidate does not compose/);
  });

  test('a new subgraph joins the others; its additions are safe', async () => {
    const report = await checkCandidate({
      current,
      candidate: subgraph('inventory', 'type Query { stock(id: ID!): Int }'),
    });
    assert.equal(report.ok, true);
    assert.equal(kindAt(report, 'Query.stock'), 'safe');
  });

  test('the first subgraph of an empty graph: what it adds, as safe changes', async () => {
    const report = await checkCandidate({ current: [], candidate: subgraph('products', PRODUCTS) });
    assert.equal(report.ok, true);
    assert.ok(report.changes.every((c) => c.kind === 'safe'));
    assert.equal(change(report, 'Product')?.type, 'TYPE_ADDED');
    assert.equal(change(report, 'Query')?.message, 'Query was added (2 fields).');
    // Built-in scalars are no change.
    assert.equal(change(report, 'Float'), undefined);
    assert.doesNotMatch(formatCheckReport(report), /No changes/);
  });

  test('a built-in scalar no longer (or newly) referenced is no change', async () => {
    const one = [subgraph('reviews', 'type Query { count: Int name: String }')];
    const report = await checkCandidate({
      current: one,
      candidate: subgraph('reviews', 'type Query { name: String ratio: Float }'),
    });
    assert.deepEqual(
      report.changes.map((c) => [c.kind, c.coordinate]),
      [
        ['breaking', 'Query.count'],
        ['safe', 'Query.ratio'],
      ],
    );
    assert.doesNotMatch(formatCheckReport(report), /Standard scalar|Int was removed|Float was added/);
  });
});

describe('breaking changes, at their coordinates', () => {
  const cases: [string, (sdl: string) => string, string, string][] = [
    [
      'a field removed',
      (s) => s.replace(' price(format: String): Float', ''),
      'Product.price',
      'FIELD_REMOVED',
    ],
    [
      'a type removed',
      (s) =>
        s
          .replace('union Result = Product | Book', 'union Result = Product')
          .replace(/type Book[^}]*}/, '')
          .replace('[Result!]!', '[Result!]!'),
      'Book',
      'TYPE_REMOVED',
    ],
    [
      'a field type changed',
      (s) => s.replace('name: String!', 'name: Int!'),
      'Product.name',
      'FIELD_CHANGED_KIND',
    ],
    [
      'an output made nullable',
      (s) => s.replace('name: String!', 'name: String'),
      'Product.name',
      'FIELD_CHANGED_KIND',
    ],
    [
      'an argument made non-null',
      (s) => s.replace('format: String', 'format: String!'),
      'Product.price(format:)',
      'ARG_CHANGED_KIND',
    ],
    [
      'an argument removed',
      (s) => s.replace('(format: String)', ''),
      'Product.price(format:)',
      'ARG_REMOVED',
    ],
    [
      'an argument type changed',
      (s) => s.replace('first: Int!', 'first: String!'),
      'Query.search(first:)',
      'ARG_CHANGED_KIND',
    ],
    [
      'a non-null argument added',
      (s) => s.replace('price(format: String)', 'price(format: String, precision: Int!)'),
      'Product.price(precision:)',
      'REQUIRED_ARG_ADDED',
    ],
    [
      'an enum value removed',
      (s) => s.replace('EUR USD GBP', 'EUR USD'),
      'Currency.GBP',
      'VALUE_REMOVED_FROM_ENUM',
    ],
    [
      'a union member removed',
      (s) => s.replace('Product | Book', 'Product'),
      'Result',
      'TYPE_REMOVED_FROM_UNION',
    ],
    [
      'an interface removed from a type',
      (s) => s.replace('type Book implements Node', 'type Book'),
      'Book',
      'IMPLEMENTED_INTERFACE_REMOVED',
    ],
    [
      'an input field made non-null',
      (s) => s.replace('text: String', 'text: String!'),
      'SearchFilter.text',
      'FIELD_CHANGED_KIND',
    ],
    [
      'an input field removed',
      (s) => s.replace(' minPrice: Float', ''),
      'SearchFilter.minPrice',
      'FIELD_REMOVED',
    ],
    [
      'a required input field added',
      (s) => s.replace('minPrice: Float', 'minPrice: Float maxPrice: Float!'),
      'SearchFilter.maxPrice',
      'REQUIRED_INPUT_FIELD_ADDED',
    ],
  ];
  for (const [what, edit, coordinate, type] of cases) {
    test(`${what}: ${coordinate}`, async () => {
      const report = await checkProducts(edit);
      assert.deepEqual(report.compositionErrors, []);
      const found = change(report, coordinate);
      assert.ok(found, `no change at ${coordinate}: ${JSON.stringify(report.changes)}`);
      assert.equal(found.kind, 'breaking');
      assert.equal(found.type, type);
      assert.equal(found.blocking, true);
      assert.equal(report.ok, false);
      assert.match(
        formatCheckReport(report),
        new RegExp(`^FAIL[^]*x ${coordinate.replace(/[().]/g, '\\$&')}: `),
      );
    });
  }
});

describe('dangerous and safe changes', () => {
  test('enum value and union member added, optional argument added: dangerous, passing', async () => {
    const report = await checkProducts((s) =>
      s
        .replace('EUR USD GBP', 'EUR USD GBP JPY')
        .replace('price(format: String)', 'price(format: String, precision: Int)')
        .replace(
          'union Result = Product | Book',
          'union Result = Product | Book | Film\n type Film { id: ID! }',
        ),
    );
    assert.equal(report.ok, true);
    assert.equal(kindAt(report, 'Currency.JPY'), 'dangerous');
    assert.equal(kindAt(report, 'Result'), 'dangerous');
    assert.equal(kindAt(report, 'Product.price(precision:)'), 'dangerous');
    assert.equal(kindAt(report, 'Film'), 'safe');
  });

  test('types and fields added, output made non-null, argument made nullable, deprecation: safe', async () => {
    const report = await checkProducts((s) =>
      s
        .replace('price(format: String): Float', 'price(format: String): Float!')
        .replace('first: Int!', 'first: Int')
        .replace('name: String!', 'name: String! @deprecated(reason: "use title")\n sku: String'),
    );
    assert.equal(report.ok, true, JSON.stringify(report.changes));
    assert.deepEqual(
      report.changes.map((c) => [c.kind, c.coordinate, c.type]).sort(),
      [
        ['safe', 'Product.price', 'FIELD_CHANGED_TYPE'],
        ['safe', 'Product.name', 'FIELD_DEPRECATED'],
        ['safe', 'Product.sku', 'FIELD_ADDED'],
        ['safe', 'Query.search(first:)', 'ARG_CHANGED_TYPE'],
      ].sort(),
    );
  });
});
