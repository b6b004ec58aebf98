/**
 * Abstract types across subgraphs: an interface whose implementations are entities owned by
 * different subgraphs, a union of such entities, and an entity interface (`@key` on an interface)
 * whose implementations other subgraphs extend. Each case asks `__typename` and uses inline
 * fragments on the concrete types, except in the last graph: selections whose answer does not
 * depend on the runtime type (interface fields only, fragments on the interface itself), for
 * which the planner's fetches select no `__typename`.
 */
import type { ConformanceGraph } from '../conformance.ts';
import { apolloSubgraph, fed2 } from '../harness.ts';

type Ref = Record<string, unknown>;
type CatalogItem = { __typename: 'A' | 'B'; id: string; detail: string | null };

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

const catalog: CatalogItem[] = [
  { __typename: 'A', id: 'a1', detail: null },
  { __typename: 'B', id: 'b1', detail: 'db' },
];

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
      {
        name: 'reads the runtime type from a __typename the client selects under an alias',
        query: '{ search { kind: __typename id ... on Book { author } } }',
        expected: {
          data: {
            search: [
              { kind: 'Movie', id: 'm1' },
              { kind: 'Book', id: 'b1', author: 'Herbert' },
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
  {
    feature: 'interfaces and unions across subgraphs',
    subgraphs: () => ({
      catalog: apolloSubgraph(
        `${fed2('@key')}
        type Query { items: [Item!]! things: [Thing!]! shelf: Shelf! }
        interface Item { id: ID! detail: String related: Item }
        type A implements Item @key(fields: "id") { id: ID! detail: String related: Item }
        type B implements Item @key(fields: "id") { id: ID! detail: String! related: Item }
        union Thing = A | B
        type Shelf { items: [Item!]! thing: Thing }`,
        {
          Query: { items: () => catalog, things: () => catalog, shelf: () => ({}) },
          Shelf: { items: () => catalog, thing: () => catalog[1] },
          Item: { __resolveType: (item: CatalogItem) => item.__typename },
          Thing: { __resolveType: (item: CatalogItem) => item.__typename },
          A: { related: () => catalog[1] },
          B: { related: () => null },
        },
      ),
      notes: apolloSubgraph(
        `${fed2('@key')}
        type A @key(fields: "id") { id: ID! notes: [Note!]! }
        interface Note { text: String! }
        type Memo implements Note { text: String! }
        type Todo implements Note { text: String! done: Boolean! }`,
        {
          A: {
            __resolveReference: (ref: Ref) => ({ id: ref.id }),
            notes: () => [
              { __typename: 'Memo', text: 'call' },
              { __typename: 'Todo', text: 'write', done: false },
            ],
          },
          Note: { __resolveType: (note: { __typename: string }) => note.__typename },
        },
      ),
    }),
    cases: [
      {
        name: 'answers an interface selection of interface fields only',
        query: '{ items { id detail } }',
        expected: {
          data: {
            items: [
              { id: 'a1', detail: null },
              { id: 'b1', detail: 'db' },
            ],
          },
        },
      },
      {
        name: 'answers an interface selection with aliases and fragments on the interface itself',
        query:
          '{ list: items { key: id ...Detail ... on Item { again: id } } } fragment Detail on Item { d: detail }',
        expected: {
          data: {
            list: [
              { key: 'a1', d: null, again: 'a1' },
              { key: 'b1', d: 'db', again: 'b1' },
            ],
          },
        },
      },
      {
        name: 'answers interface selections nested in interface selections',
        query: '{ shelf { items { id link: related { id detail related { id } } } } }',
        expected: {
          data: {
            shelf: {
              items: [
                { id: 'a1', link: { id: 'b1', detail: 'db', related: null } },
                { id: 'b1', link: null },
              ],
            },
          },
        },
      },
      {
        name: 'answers an interface selection in a union member’s fragment',
        query: '{ things { ... on A { id r: related { id detail } } ... on B { id } } }',
        expected: {
          data: {
            things: [{ id: 'a1', r: { id: 'b1', detail: 'db' } }, { id: 'b1' }],
          },
        },
      },
      {
        name: 'answers a union selection through a fragment on an interface every member implements',
        query: '{ shelf { thing { ... on Item { id detail } } } }',
        expected: { data: { shelf: { thing: { id: 'b1', detail: 'db' } } } },
      },
      {
        name: 'answers an interface selection of an entity fetched from another subgraph',
        query: '{ items { id ... on A { notes { text } } } }',
        expected: {
          data: {
            items: [{ id: 'a1', notes: [{ text: 'call' }, { text: 'write' }] }, { id: 'b1' }],
          },
        },
      },
      {
        name: 'answers fields of one implementation beside fields of the interface',
        query: '{ items { id ... on B { detail } } }',
        expected: { data: { items: [{ id: 'a1' }, { id: 'b1', detail: 'db' }] } },
      },
    ],
  },
];
