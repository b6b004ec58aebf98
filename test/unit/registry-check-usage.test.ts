/**
 * `gatehouse check` with recorded usage: the operations each breaking or dangerous change
 * affects, and how `ok` is decided (`failOn`).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'graphql';
import {
  checkCandidate,
  formatCheckReport,
  type OperationUse,
  type UsageReader,
} from '../../gateway/registry/check/index.ts';
import { operationShape } from '../../gateway/usage/coordinates.ts';
import { createReader } from '../../gateway/usage/reader.ts';
import { apiSchemaOf } from '../../schema/api-schema.ts';
import { composeSubgraphs } from '../../schema/compose.ts';
import { change, checkProducts, current, PRODUCTS, subgraph } from './registry-check.fixtures.ts';

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
