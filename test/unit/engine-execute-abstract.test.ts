/**
 * The plan executor on abstract types: union members and interface implementations joined by
 * type (representations only for the types a fetch asks about, type conditions in Flatten
 * paths), and `@interfaceObject` (the planner's input rewrite sets `__typename` to the interface;
 * a concrete `__typename` is never replaced by the interface's).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fed2, planGraph } from '../helpers/plan-graph.ts';
import { representationsSent } from './engine-execute.fixtures.ts';

type Ref = Record<string, unknown>;

const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

function mediaGraph() {
  const items = [
    { __typename: 'Book', id: 'b1', title: 'Dune', author: 'Herbert' },
    { __typename: 'Movie', id: 'm1', title: 'Alien', director: 'Scott' },
    { __typename: 'Book', id: 'b2', title: 'Emma', author: 'Austen' },
  ];
  const find = (id: unknown) => items.find((i) => i.id === id) ?? null;
  const reviews: Record<string, string[]> = { b1: ['classic'], m1: ['scary', 'tense'], b2: [] };
  return planGraph({
    media: {
      typeDefs: `${fed2('@key')}
        type Query { media: [Media!]! search: [Result] }
        union Result = Book | Movie
        interface Media @key(fields: "id") { id: ID! title: String! }
        type Book implements Media @key(fields: "id") { id: ID! title: String! author: String! }
        type Movie implements Media @key(fields: "id") { id: ID! title: String! director: String! }`,
      resolvers: {
        Query: { media: () => items, search: () => [items[1], null, items[0]] },
        Result: { __resolveType: (m: { __typename: string }) => m.__typename },
        Media: {
          __resolveType: (m: { __typename: string }) => m.__typename,
          __resolveReference: (ref: Ref) => find(ref.id),
        },
        Book: { __resolveReference: (ref: Ref) => find(ref.id) },
        Movie: { __resolveReference: (ref: Ref) => find(ref.id) },
      },
    },
    reviews: {
      typeDefs: `${fed2('@key', '@interfaceObject')}
        type Query { mostReviewed: Media! }
        type Media @key(fields: "id") @interfaceObject { id: ID! reviews: [String!]! }`,
      resolvers: {
        Query: { mostReviewed: () => ({ id: 'm1' }) },
        Media: {
          __resolveReference: (ref: Ref) => ({ id: ref.id }),
          reviews: (m: { id: string }) => reviews[m.id] ?? [],
        },
      },
    },
    extra: {
      typeDefs: `${fed2('@key')}
        type Book @key(fields: "id") { id: ID! pages: Int }
        type Movie @key(fields: "id") { id: ID! minutes: Int }`,
      resolvers: {
        Book: { __resolveReference: (ref: Ref) => ({ id: ref.id, pages: 100 }) },
        Movie: { __resolveReference: (ref: Ref) => ({ id: ref.id, minutes: 90 }) },
      },
    },
  });
}

describe('plan executor: abstract types', () => {
  it('joins union members by type, skipping nulls', async () => {
    const graph = mediaGraph();
    const tree = await graph.run('{ search { ... on Book { title pages } ... on Movie { title minutes } } }');
    assert.deepEqual(tree.errors, []);
    const search = json(tree.data) as { search: Array<Record<string, unknown> | null> };
    assert.deepEqual(
      search.search.map((s) => s && [s.title, s.pages ?? s.minutes]),
      [['Alien', 90], null, ['Dune', 100]],
    );
  });

  it('builds representations only for the types a fetch asks about', async () => {
    const graph = mediaGraph();
    const tree = await graph.run('{ media { title ... on Book { pages } } }');
    assert.deepEqual(tree.errors, []);
    const sent = new Map(representationsSent(graph));
    assert.deepEqual(json(sent.get('extra')), [
      { __typename: 'Book', id: 'b1' },
      { __typename: 'Book', id: 'b2' },
    ]);
    const media = (json(tree.data) as { media: Array<Record<string, unknown>> }).media;
    assert.deepEqual(
      media.map((m) => m.pages ?? null),
      [100, null, 100],
    );
  });

  it('rewrites __typename to the interface for an @interfaceObject subgraph', async () => {
    const graph = mediaGraph();
    const tree = await graph.run('{ media { id reviews } }');
    assert.deepEqual(tree.errors, []);
    const sent = new Map(representationsSent(graph));
    assert.deepEqual(json(sent.get('reviews')), [
      { __typename: 'Media', id: 'b1' },
      { __typename: 'Media', id: 'm1' },
      { __typename: 'Media', id: 'b2' },
    ]);
    const media = (json(tree.data) as { media: Array<{ __typename: string; reviews: string[] }> }).media;
    assert.deepEqual(
      media.map((m) => [m.__typename, m.reviews]),
      [
        ['Book', ['classic']],
        ['Movie', ['scary', 'tense']],
        ['Book', []],
      ],
    );
  });

  it('learns the concrete type from the interface owner, then follows type conditions in the path', async () => {
    const graph = mediaGraph();
    const movie = '{ mostReviewed { id reviews ... on Movie { director minutes } } }';
    assert.match(JSON.stringify(graph.plan(movie)), /"TypeCondition":\["Movie"\]/);
    const tree = await graph.run(movie);
    assert.deepEqual(tree.errors, []);
    assert.deepEqual(json(tree.data), {
      mostReviewed: {
        __typename: 'Movie',
        id: 'm1',
        reviews: ['scary', 'tense'],
        director: 'Scott',
        minutes: 90,
      },
    });
    assert.deepEqual(
      graph.calls.map((c) => c.serviceName),
      ['reviews', 'media', 'extra'],
    );

    // The Book branch's entity fetch finds no Book at its path: it is not sent.
    const book = '{ mostReviewed { id reviews ... on Book { author pages } } }';
    assert.match(JSON.stringify(graph.plan(book)), /"TypeCondition":\["Book"\]/);
    const other = await graph.run(book);
    assert.deepEqual(other.errors, []);
    assert.deepEqual(
      graph.calls.map((c) => c.serviceName),
      ['reviews', 'media'],
    );
  });
});
