/**
 * The static cost of operations (demand control), against Apollo's documented examples and each
 * rule: defaults, `@cost` on fields, types, arguments and input fields, `@listSize` with slicing
 * arguments (literals, variables, defaults), `assumedSize`, `sizedFields`, abstract types,
 * fragments, `@skip` / `@include`, aliases; the directives as composition writes them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'graphql';
import type { SubgraphCostConfig } from '../../gateway/config/demand-control-schema.ts';
import { buildCostIndex } from '../../gateway/demand-control/build-index.ts';
import { estimateCost } from '../../gateway/demand-control/calculate.ts';
import { composeSubgraphs } from '../../schema/compose.ts';
import { buildGatewaySchema } from '../../schema/supergraph.ts';

const link = (imports: string) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ${imports})\n`;

const library = `${link('["@key", "@cost", "@listSize"]')}
  scalar Cursor
  scalar Expensive @cost(weight: 4)
  enum Genre @cost(weight: 2) { NOVEL POEM }
  input BookFilter { title: String @cost(weight: 3) nested: BookFilter }
  type Query {
    book(id: ID): Book
    books: [Book!]!
    bookList(first: Int, last: Int): [Book!] @listSize(slicingArguments: ["first", "last"], assumedSize: 50, requireOneSlicingArgument: false)
    assumed: [Book!] @listSize(assumedSize: 7)
    cursor(first: Int = 20): BookCursor @listSize(slicingArguments: ["first"], sizedFields: ["page"])
    search(filter: BookFilter, limit: Int @cost(weight: 6)): [Book!] @listSize(assumedSize: 1)
    pricey: Int @cost(weight: 9)
    rare: Expensive
    genre: Genre
    media: [Media!]! @listSize(assumedSize: 2)
    node: Node
  }
  type Mutation { addBook(title: String): Book }
  type BookCursor { cursor: Cursor page: [Book!] }
  type Book @key(fields: "id") { id: ID! title: String author: Author publisher: Publisher }
  type Author { name: String }
  type Publisher { name: String address: Address headquarters: Address @cost(weight: 5) }
  type Address { zipCode: String }
  union Media = Book | Film
  type Film { title: String director: Author studio: Publisher }
  interface Node { id: ID! }
  type Reader implements Node { id: ID! friend: Author }
  type Shelf implements Node { id: ID! books: [Book!]! }
`;

function supergraphOf(sdl: string): string {
  const result = composeSubgraphs([{ name: 'library', typeDefs: parse(sdl), url: 'http://library.invalid' }]);
  assert.ok(result.supergraphSdl, JSON.stringify(result.problems));
  return result.supergraphSdl;
}

function costModel(sdl: string, subgraphCosts: Record<string, SubgraphCostConfig> = {}) {
  const supergraphSdl = supergraphOf(sdl);
  const schema = buildGatewaySchema(supergraphSdl, () => async () => ({ data: null }));
  const { index, problems } = buildCostIndex({
    supergraphSdl,
    schema,
    subgraphCosts: new Map(Object.entries(subgraphCosts)),
  });
  const estimate = (query: string, variables?: Record<string, unknown>, defaultListSize = 10) =>
    estimateCost({ schema, index, document: parse(query), variables, defaultListSize });
  return { problems, estimate, cost: (...args: Parameters<typeof estimate>) => estimate(...args).cost };
}

const model = costModel(library);
const { cost } = model;

describe('demand control: the cost of an operation', () => {
  it('has no problems reading the composed directives', () => {
    assert.deepEqual(model.problems, []);
  });

  it("Apollo's BookQuery: objects 1, scalars 0, the query 0 (cost 4)", () => {
    const query = `query BookQuery { book(id: 1) { title author { name } publisher { name address { zipCode } } } }`;
    assert.equal(cost(query), 4);
  });

  it('@cost on a field overrides the weight of its type', () => {
    assert.equal(
      cost('{ book(id: 1) { title author { name } publisher { name headquarters { zipCode } } } }'),
      8,
    );
    assert.equal(cost('{ pricey }'), 9);
  });

  it('scalars and enums cost 0, unless their type carries @cost', () => {
    assert.equal(cost('{ book(id: 1) { id title } }'), 1);
    assert.equal(cost('{ genre }'), 2);
    assert.equal(cost('{ rare }'), 4);
  });

  it('a mutation costs 10 plus its fields', () => {
    assert.equal(cost('mutation { addBook(title: "x") { title author { name } } }'), 12);
  });

  it('a list multiplies its selection by defaultListSize when nothing sizes it', () => {
    assert.equal(cost('{ books { title author { name } } }'), 20);
    assert.equal(model.estimate('{ books { title author { name } } }', undefined, 3).cost, 6);
  });

  it('a negative weight in the SDL is a problem (it would let aliases lower a cost)', () => {
    // (Composition itself refuses a negative assumedSize.)
    const negative = costModel(`${link('["@key", "@cost"]')} type Query { cheap: Int @cost(weight: -5) }`);
    assert.equal(negative.problems.length, 1, negative.problems.join('\n'));
  });

  it('a slicing value past a GraphQL Int counts as the largest Int; the cost is never NaN', () => {
    const nested = costModel(`${link('["@key", "@listSize"]')}
      type Query { a(first: Int): [A!] @listSize(slicingArguments: ["first"]) }
      type A @key(fields: "id") { id: ID! b(first: Int): [A!] @listSize(slicingArguments: ["first"]) }`);
    const query = 'query ($z: Int, $n: Int) { a(first: $z) { b(first: $n) { b(first: $n) { id } } } }';
    // The raw variables (checked later by execution) may hold any number: 0 × (1e200 × 1e200)
    // was NaN, which every limit compares false with.
    assert.equal(nested.cost(query, { z: 0, n: 1e200 }), 0);
    assert.equal(nested.cost(query, { z: 1e200, n: 1e200 }), Number.MAX_SAFE_INTEGER);
    // Not a finite number: as if not sent (the default list size, 10).
    assert.equal(nested.cost(query, { z: 1, n: Number.POSITIVE_INFINITY }), 1 + 10 * (1 + 10));
  });

  it('a slicing argument sizes the list: a literal, a variable, the largest of several', () => {
    assert.equal(cost('{ bookList(first: 5) { title author { name } } }'), 10);
    const byVariable = model.estimate('query ($n: Int) { bookList(first: $n) { author { name } } }', {
      n: 3,
    });
    assert.deepEqual(byVariable, { cost: 6, readsVariables: true });
    assert.equal(cost('query ($n: Int = 4) { bookList(first: $n) { id } }'), 4);
    assert.equal(cost('{ bookList(first: 2, last: 6) { id } }'), 6);
  });

  it('without a slicing argument: assumedSize, else the argument default', () => {
    assert.equal(cost('{ bookList { id } }'), 50);
    assert.equal(cost('query ($n: Int) { bookList(first: $n) { id } }', {}), 50);
    assert.equal(cost('{ assumed { id } }'), 7);
    assert.equal(cost('{ cursor { page { id } } }'), 21);
  });

  it('sizedFields: the slicing argument sizes the named fields, the field itself counts once', () => {
    assert.equal(cost('{ cursor(first: 4) { cursor page { title author { name } } } }'), 1 + 4 * 2);
    assert.equal(cost('query ($n: Int) { cursor(first: $n) { page { id } } }', { n: 30 }), 31);
  });

  it('arguments and input fields add their @cost when given, however deep', () => {
    assert.equal(cost('{ search { id } }'), 1);
    assert.equal(cost('{ search(filter: { title: "a" }) { id } }'), 4);
    assert.equal(cost('{ search(filter: { title: "a", nested: { title: "b" } }, limit: 2) { id } }'), 13);
    const variables = { f: { title: 'a', nested: { title: 'b', nested: null } } };
    assert.deepEqual(model.estimate('query ($f: BookFilter) { search(filter: $f) { id } }', variables), {
      cost: 7,
      readsVariables: true,
    });
  });

  it('on an abstract type, the most expensive type condition counts', () => {
    const query = `{ media {
      ... on Book { title author { name } }
      ... on Film { director { name } studio { name address { zipCode } } }
    } }`;
    assert.equal(cost(query), 2 * (1 + 3));
    assert.equal(
      cost('{ node { id ... on Reader { friend { name } } ... on Shelf { books { id } } } }'),
      1 + 10,
    );
  });

  it('named fragments and aliases: every alias and every spread counts', () => {
    const query = `{ a: book(id: 1) { ...B } b: book(id: 2) { ...B ...B } }
      fragment B on Book { author { name } }`;
    assert.equal(cost(query), 2 + 3);
    assert.equal(cost('{ a: pricey b: pricey }'), 18);
  });

  it('@skip and @include apply, with the variables', () => {
    const query = `query ($s: Boolean!) { book(id: 1) {
      author @skip(if: $s) { name }
      publisher @include(if: false) { name }
      ... @include(if: true) { title }
    } }`;
    assert.deepEqual(model.estimate(query, { s: true }), { cost: 1, readsVariables: true });
    assert.equal(cost(query, { s: false }), 2);
  });

  it('__typename and introspection cost 0; an operation without variables does not read them', () => {
    assert.deepEqual(model.estimate('{ book(id: 1) { __typename } __typename }'), {
      cost: 1,
      readsVariables: false,
    });
  });

  it('a fragment bomb costs one walk per fragment', () => {
    const depth = 40;
    const fragments = Array.from(
      { length: depth },
      (_, i) =>
        `fragment F${i} on Book { author { name } ${i + 1 < depth ? `...F${i + 1} ...F${i + 1}` : ''} }`,
    );
    const query = `{ book(id: 1) { ...F0 } } ${fragments.join('\n')}`;
    // F(i) = 1 + 2 F(i + 1): 2^40 - 1 authors.
    assert.equal(cost(query), 1 + 2 ** depth - 1);
  });
});

describe('demand control: where the directives come from', () => {
  it('renamed imports are read by their supergraph names', () => {
    const renamed = `${link('["@key", { name: "@cost", as: "@weight" }, { name: "@listSize", as: "@size" }]')}
      type Query { books(first: Int): [Book!] @size(slicingArguments: ["first"]) pricey: Int @weight(weight: 3) }
      type Book @key(fields: "id") { id: ID! }`;
    const supergraph = supergraphOf(renamed);
    assert.match(supergraph, /@link\(\s*url: "https:\/\/specs\.apollo\.dev\/cost\/v0\.1"/);
    const renamedModel = costModel(renamed);
    assert.equal(renamedModel.cost('{ books(first: 3) { id } pricey }'), 6);
  });

  it('the composed supergraph links the cost spec and keeps @cost / @listSize', () => {
    const supergraph = supergraphOf(library);
    assert.match(
      supergraph,
      /@link\(url: "https:\/\/specs\.apollo\.dev\/cost\/v0\.1", import: \["@listSize"\]\)/,
    );
    assert.match(supergraph, /pricey: Int[^\n]*@cost\(weight: 9\)/);
  });

  it('the config declares costs by coordinate; a config value wins over the SDL', () => {
    const configured = costModel(library, {
      library: {
        'Query.books': { listSize: { assumedSize: 3, requireOneSlicingArgument: true } },
        'Query.pricey': { weight: 1 },
        Author: { weight: 4 },
        'Query.book(id:)': { weight: 2 },
        'BookFilter.nested': { weight: 1 },
      },
    });
    assert.deepEqual(configured.problems, []);
    assert.equal(configured.cost('{ books { id } pricey }'), 3 + 1);
    assert.equal(configured.cost('{ book(id: 1) { author { name } } }'), 1 + 4 + 2);
    assert.equal(configured.cost('{ search(filter: { nested: { title: "x" } }) { id } }'), 1 + 1 + 3);
  });

  it('a config coordinate the schema does not have is a problem, each named', () => {
    const { problems } = costModel(library, {
      library: {
        'Query.nope': { weight: 1 },
        Nope: { weight: 1 },
        'Query.book(nope:)': { weight: 1 },
        'Query.books': { listSize: { slicingArguments: ['first'], requireOneSlicingArgument: true } },
        Node: { weight: 2 },
      },
      absent: { 'Query.book': { weight: 1 } },
    });
    assert.equal(problems.length, 5, problems.join('\n'));
    assert.ok(problems.every((p) => p.startsWith('subgraphs[library].cost["')));
  });
});
