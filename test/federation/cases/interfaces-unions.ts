/**
 * Abstract types across subgraphs: an interface whose implementations are entities owned by
 * different subgraphs, a union of such entities, and an entity interface (`@key` on an interface)
 * whose implementations other subgraphs extend. Each case asks `__typename` and uses inline
 * fragments on the concrete types.
 */
import type { ConformanceGraph } from '../conformance.ts';
import { apolloSubgraph, fed2 } from '../harness.ts';

type Ref = Record<string, unknown>;

const books = [{ id: 'b1', title: 'Dune', author: 'Herbert' }];
const movies = [{ id: 'm1', title: 'Alien', director: 'Scott' }];
const byId =
  <T extends { id: string }>(list: T[]) =>
  (ref: Ref) =>
    list.find((x) => x.id === ref.id) ?? null;

const owners = () => ({
  books: apolloSubgraph(
    `${fed2('@key')}
    interface Product { id: ID! title: String! }
    type Book implements Product @key(fields: "id") { id: ID! title: String! author: String! }`,
    { Book: { __resolveReference: byId(books) } },
  ),
  movies: apolloSubgraph(
    `${fed2('@key')}
    interface Product { id: ID! title: String! }
    type Movie implements Product @key(fields: "id") { id: ID! title: String! director: String! }`,
    { Movie: { __resolveReference: byId(movies) } },
  ),
});

const hits = [
  { __typename: 'Movie', id: 'm1' },
  { __typename: 'Book', id: 'b1' },
];

export const interfacesUnions: readonly ConformanceGraph[] = [
  {
    feature: 'interfaces and unions across subgraphs',
    subgraphs: () => ({
      ...owners(),
      search: apolloSubgraph(
        `${fed2('@key')}
        type Query { search: [Product!]! }
        interface Product { id: ID! }
        type Book implements Product @key(fields: "id") { id: ID! }
        type Movie implements Product @key(fields: "id") { id: ID! }`,
        { Query: { search: () => hits } },
      ),
    }),
    cases: [
      {
        name: 'resolves interface fields from the subgraph owning each concrete type',
        query: '{ search { __typename id title ... on Book { author } ... on Movie { director } } }',
        expected: {
          data: {
            search: [
              { __typename: 'Movie', id: 'm1', title: 'Alien', director: 'Scott' },
              { __typename: 'Book', id: 'b1', title: 'Dune', author: 'Herbert' },
            ],
          },
        },
      },
    ],
  },
  {
    feature: 'interfaces and unions across subgraphs',
    subgraphs: () => ({
      ...owners(),
      search: apolloSubgraph(
        `${fed2('@key')}
        type Query { results: [Result!]! }
        union Result = Book | Movie
        type Book @key(fields: "id") { id: ID! }
        type Movie @key(fields: "id") { id: ID! }`,
        { Query: { results: () => hits } },
      ),
    }),
    cases: [
      {
        name: 'resolves a union of entities owned by other subgraphs',
        query: '{ results { __typename ... on Book { title author } ... on Movie { id director } } }',
        expected: {
          data: {
            results: [
              { __typename: 'Movie', id: 'm1', director: 'Scott' },
              { __typename: 'Book', title: 'Dune', author: 'Herbert' },
            ],
          },
        },
      },
    ],
  },
  {
    feature: 'interfaces and unions across subgraphs',
    subgraphs: () => ({
      media: apolloSubgraph(
        `${fed2('@key')}
        type Query { media: [Media!]! }
        interface Media @key(fields: "id") { id: ID! title: String! }
        type Book implements Media @key(fields: "id") { id: ID! title: String! }
        type Movie implements Media @key(fields: "id") { id: ID! title: String! }`,
        {
          Query: {
            media: () => [
              ...books.map((b) => ({ ...b, __typename: 'Book' })),
              { ...movies[0], __typename: 'Movie' },
            ],
          },
          Media: { __resolveType: (m: { __typename: string }) => m.__typename },
        },
      ),
      library: apolloSubgraph(
        `${fed2('@key')}
        type Book @key(fields: "id") { id: ID! pages: Int! }`,
        { Book: { __resolveReference: (ref: Ref) => ({ id: ref.id, pages: 412 }) } },
      ),
      cinema: apolloSubgraph(
        `${fed2('@key')}
        type Movie @key(fields: "id") { id: ID! minutes: Int! }`,
        { Movie: { __resolveReference: (ref: Ref) => ({ id: ref.id, minutes: 117 }) } },
      ),
    }),
    cases: [
      {
        name: 'extends the implementations of an entity interface in other subgraphs',
        query: '{ media { __typename title ... on Book { pages } ... on Movie { minutes } } }',
        expected: {
          data: {
            media: [
              { __typename: 'Book', title: 'Dune', pages: 412 },
              { __typename: 'Movie', title: 'Alien', minutes: 117 },
            ],
          },
        },
      },
    ],
  },
];
