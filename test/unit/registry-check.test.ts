/**
 * `gatehouse check` logic: composition of a candidate with the subgraphs in service, and the
 * breaking, dangerous and safe changes of the client-facing schema, each at its coordinate; with
 * usage, the operations each change affects and how `ok` is decided.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'graphql';
import {
  type CheckReport,
  type CheckSubgraph,
  checkCandidate,
  formatCheckReport,
  type OperationUse,
  type UsageReader,
} from '../../gateway/registry/check/index.ts';
import { operationShape } from '../../gateway/usage/coordinates.ts';
import { createReader } from '../../gateway/usage/reader.ts';
import { apiSchemaOf } from '../../schema/api-schema.ts';
import { composeSubgraphs } from '../../schema/compose.ts';

const LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])';

const subgraph = (name: string, sdl: string): CheckSubgraph => ({
  name,
  url: `http://127.0.0.1:1/${name}`,
  typeDefs: parse(`${LINK}\n${sdl}`),
});

const PRODUCTS = `
  type Query {
    product(id: ID!, currency: Currency): Product
    search(filter: SearchFilter, first: Int!): [Result!]!
  }
  type Product implements Node @key(fields: "id") { id: ID! name: String! price(format: String): Float }
  interface Node { id: ID! }
  type Book implements Node { id: ID! title: String! }
  union Result = Product | Book
  enum Currency { EUR USD GBP }
  input SearchFilter { text: String minPrice: Float }
`;

const REVIEWS = `
  type Query { reviews: [Review!]! }
  type Review { id: ID! body: String! product: Product }
  type Product @key(fields: "id") { id: ID! }
`;

const current = [subgraph('products', PRODUCTS), subgraph('reviews', REVIEWS)];

/** The check of `products` changed by `edit` of its SDL. */
const checkProducts = (edit: (sdl: string) => string, usage?: UsageReader) =>
  checkCandidate({ current, candidate: subgraph('products', edit(PRODUCTS)), usage });

const change = (report: CheckReport, coordinate: string) =>
  report.changes.find((c) => c.coordinate === coordinate);

const kindAt = (report: CheckReport, coordinate: string) => change(report, coordinate)?.kind;

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

  test('the first subgraph of an empty graph changes nothing', async () => {
    const report = await checkCandidate({ current: [], candidate: subgraph('products', PRODUCTS) });
    assert.equal(report.ok, true);
    assert.deepEqual(report.changes, []);
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

/** A reader over fixed uses: coordinate → operations, with the matching rules of core/usage.ts. */
function fixedUsage(uses: Record<string, OperationUse[]>, operations = 3): UsageReader {
  return {
    async operationsUsing(coordinates) {
      return new Map(
        coordinates.map((wanted) => [
          wanted,
          Object.entries(uses)
            .filter(
              ([used]) => used === wanted || used.startsWith(`${wanted}.`) || used.startsWith(`${wanted}(`),
            )
            .flatMap(([, ops]) => ops),
        ]),
      );
    },
    operationCount: async () => operations,
  };
}

describe('with usage', () => {
  const usage = fixedUsage({
    'Product.price': [{ operation: 'Prices:aaaa', count: 40 }],
    'Product.price(format:)': [{ operation: 'Formatted:bbbb', count: 7 }],
    'Query.product': [{ operation: 'Prices:aaaa', count: 40 }],
    Book: [{ operation: 'Books:cccc', count: 2 }],
  });

  test('a breaking change no recorded operation uses passes; its report says so', async () => {
    const report = await checkProducts((s) => s.replace('name: String!', 'name: String'), usage);
    assert.equal(report.failOn, 'used');
    const found = change(report, 'Product.name')!;
    assert.deepEqual(found.affected, []);
    assert.equal(found.blocking, false);
    assert.equal(report.ok, true);
    assert.match(formatCheckReport(report), /^PASS: 1 breaking change, none used/);
  });

  test('a breaking change used by recorded operations fails and names them, most used first', async () => {
    const report = await checkProducts((s) => s.replace(' price(format: String): Float', ''), usage);
    const found = change(report, 'Product.price')!;
    assert.deepEqual(
      found.affected?.map((a) => a.operation),
      ['Prices:aaaa', 'Formatted:bbbb'],
    );
    assert.equal(report.ok, false);
    assert.match(formatCheckReport(report), /used by Prices:aaaa \(40\), Formatted:bbbb \(7\)/);
  });

  test('a union member removed affects the operations that use the member', async () => {
    const report = await checkProducts((s) => s.replace('Product | Book', 'Product'), usage);
    assert.deepEqual(
      change(report, 'Result')?.affected?.map((a) => a.operation),
      ['Books:cccc'],
    );
    assert.equal(report.ok, false);
  });

  test('failOn: breaking fails on unused breaking changes too', async () => {
    const report = await checkCandidate({
      current,
      candidate: subgraph('products', PRODUCTS.replace('name: String!', 'name: String')),
      usage,
      failOn: 'breaking',
    });
    assert.equal(report.ok, false);
  });

  test('usage that recorded no operation is no evidence: every breaking change fails', async () => {
    const report = await checkProducts((s) => s.replace('name: String!', 'name: String'), fixedUsage({}, 0));
    assert.equal(report.failOn, 'breaking');
    assert.equal(report.ok, false);
  });

  test('usage that cannot be read: every breaking change fails, and the report says why', async () => {
    const broken: UsageReader = {
      operationsUsing: () => Promise.reject(new Error('redis is away')),
      operationCount: async () => 5,
    };
    const report = await checkProducts((s) => s.replace('name: String!', 'name: String'), broken);
    assert.equal(report.ok, false);
    assert.equal(report.usage?.error, 'redis is away');
    assert.match(formatCheckReport(report), /usage could not be read \(redis is away\)/);
  });
});

describe('with recorded usage: the operations each change breaks', () => {
  // Values sent in variables are recorded as their type only; an argument left out, not at all.
  const SHOP = `
    type Query { product(id: ID!, currency: Currency): Product search(filter: Filter, first: Int): [Product!]! }
    type Product @key(fields: "id") { id: ID! name: String }
    enum Currency { EUR USD GBP }
    input Filter { text: String min: Float price: Range }
    input Range { currency: Currency from: Float }
  `;
  const shop = [subgraph('shop', SHOP)];
  const composed = composeSubgraphs(shop);
  assert.ok(composed.problems === undefined);
  const schema = apiSchemaOf(composed.supergraphSdl);
  const operations = {
    ByCurrency: 'query ByCurrency($c: Currency) { product(id: "1", currency: $c) { id } }',
    Gbp: 'query Gbp { product(id: "1", currency: GBP) { id } }',
    Usd: 'query Usd { product(id: "1", currency: USD) { id } }',
    Search: 'query Search($f: Filter) { search(filter: $f) { id } }',
    Text: 'query Text { search(filter: { text: "x" }) { id } }',
    Empty: 'query Empty { search(filter: {}) { id } }',
    Names: 'query Names { product(id: "1") { name } }',
  };
  const recorded = Object.values(operations).map((text) => {
    const shape = operationShape(schema, parse(text))!;
    return { operation: `${shape.name}:${shape.hash}`, ...shape, count: 1 };
  });
  const usage = createReader(async () => recorded);

  const cases: [string, (sdl: string) => string, string, string[]][] = [
    [
      'an enum value removed',
      (s) => s.replace('EUR USD GBP', 'EUR USD'),
      'Currency.GBP',
      ['ByCurrency', 'Gbp', 'Search'],
    ],
    [
      'an input field made non-null',
      (s) => s.replace('text: String', 'text: String!'),
      'Filter.text',
      ['Empty', 'Search', 'Text'],
    ],
    ['an input field type changed', (s) => s.replace('min: Float', 'min: String'), 'Filter.min', ['Search']],
    [
      'a nested input field made non-null',
      (s) => s.replace('from: Float', 'from: Float!'),
      'Range.from',
      ['Search'],
    ],
    [
      'a required input field added',
      (s) => s.replace('min: Float', 'min: Float max: Int!'),
      'Filter.max',
      ['Empty', 'Search', 'Text'],
    ],
    [
      'an optional argument made required',
      (s) => s.replace('first: Int', 'first: Int!'),
      'Query.search(first:)',
      ['Empty', 'Search', 'Text'],
    ],
  ];
  for (const [what, edit, coordinate, broken] of cases) {
    test(`${what} breaks ${broken.join(', ')} and no other`, async () => {
      const report = await checkCandidate({
        current: shop,
        currentSupergraphSdl: composed.supergraphSdl,
        candidate: subgraph('shop', edit(SHOP)),
        usage,
      });
      const found = change(report, coordinate);
      assert.ok(found, `no change at ${coordinate}: ${JSON.stringify(report.changes)}`);
      assert.equal(found.kind, 'breaking');
      assert.deepEqual(found.affected?.map((a) => a.name).sort(), broken);
      assert.equal(found.blocking, true);
      assert.equal(report.ok, false);
    });
  }

  test('a change no recorded operation reaches passes', async () => {
    const names = createReader(async () => recorded.filter((r) => r.name === 'Names' || r.name === 'Usd'));
    for (const edit of [
      (s: string) => s.replace('EUR USD GBP', 'EUR USD'),
      (s: string) => s.replace('text: String', 'text: String!'),
      (s: string) => s.replace('first: Int', 'first: Int!'),
    ]) {
      const report = await checkCandidate({
        current: shop,
        candidate: subgraph('shop', edit(SHOP)),
        usage: names,
      });
      assert.equal(report.ok, true, JSON.stringify(report.changes));
    }
  });
});
