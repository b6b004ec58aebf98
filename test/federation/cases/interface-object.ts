/**
 * `@interfaceObject`: a subgraph sees an entity interface as one object type and adds fields to
 * every implementation at once; the planner asks the subgraph owning the interface for the
 * concrete `__typename` when a client needs it.
 */
import type { ConformanceGraph } from '../conformance.ts';
import { apolloSubgraph, fed2 } from '../harness.ts';

type Ref = Record<string, unknown>;

const items = [
  { __typename: 'Book', id: 'b1', title: 'Dune', author: 'Herbert' },
  { __typename: 'Movie', id: 'm1', title: 'Alien', director: 'Scott' },
];
const reviews: Record<string, string[]> = { b1: ['classic'], m1: ['scary', 'tense'] };

export const interfaceObject: ConformanceGraph = {
  feature: '@interfaceObject',
  subgraphs: () => ({
    media: apolloSubgraph(
      `${fed2('@key')}
    type Query { media: [Media!]! }
    interface Media @key(fields: "id") { id: ID! title: String! }
    type Book implements Media @key(fields: "id") { id: ID! title: String! author: String! }
    type Movie implements Media @key(fields: "id") { id: ID! title: String! director: String! }`,
      {
        Query: { media: () => items },
        Media: {
          __resolveType: (m: { __typename: string }) => m.__typename,
          __resolveReference: (ref: Ref) => items.find((i) => i.id === ref.id) ?? null,
        },
      },
    ),
    reviews: apolloSubgraph(
      `${fed2('@key', '@interfaceObject')}
    type Query { mostReviewed: Media! }
    type Media @key(fields: "id") @interfaceObject { id: ID! reviews: [String!]! }`,
      {
        Query: { mostReviewed: () => ({ id: 'm1' }) },
        Media: {
          __resolveReference: (ref: Ref) => ({ id: ref.id }),
          reviews: (m: { id: string }) => reviews[m.id] ?? [],
        },
      },
    ),
  }),
  cases: [
    {
      name: 'adds a field to every implementation of an entity interface',
      query: '{ media { __typename title reviews ... on Book { author } } }',
      expected: {
        data: {
          media: [
            { __typename: 'Book', title: 'Dune', reviews: ['classic'], author: 'Herbert' },
            { __typename: 'Movie', title: 'Alien', reviews: ['scary', 'tense'] },
          ],
        },
      },
    },
    {
      name: 'resolves the concrete type of an interface object returned by its subgraph',
      query:
        '{ mostReviewed { __typename id title reviews ... on Movie { director } ... on Book { author } } }',
      expected: {
        data: {
          mostReviewed: {
            __typename: 'Movie',
            id: 'm1',
            title: 'Alien',
            reviews: ['scary', 'tense'],
            director: 'Scott',
          },
        },
      },
    },
    {
      // Neither fetch selects the concrete type, which makes no difference to the answer.
      name: 'answers fields of the interface and the interface object without the concrete type',
      query: '{ mostReviewed { id reviews } media { reviews } }',
      expected: {
        data: {
          mostReviewed: { id: 'm1', reviews: ['scary', 'tense'] },
          media: [{ reviews: ['classic'] }, { reviews: ['scary', 'tense'] }],
        },
      },
    },
    {
      // The tree holds the interface object's `__typename` (Media): no concrete type is needed.
      name: 'answers an interface field of an interface object fetched from the interface’s subgraph',
      query: '{ mostReviewed { id title reviews } }',
      expected: { data: { mostReviewed: { id: 'm1', title: 'Alien', reviews: ['scary', 'tense'] } } },
    },
    {
      // The interface object's own name (Media) must never reach the client.
      name: 'answers __typename alone of an interface object with the concrete type',
      query: '{ mostReviewed { __typename } }',
      expected: { data: { mostReviewed: { __typename: 'Movie' } } },
    },
  ],
};
