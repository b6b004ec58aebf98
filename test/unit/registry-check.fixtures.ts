/** The subgraphs `gatehouse check` unit tests check against (registry-check*.test.ts). */
import { parse } from 'graphql';
import {
  type CheckReport,
  type CheckSubgraph,
  checkCandidate,
  type UsageReader,
} from '../../gateway/registry/check/index.ts';

export const LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])';

export const subgraph = (name: string, sdl: string): CheckSubgraph => ({
  name,
  url: `http://127.0.0.1:1/${name}`,
  typeDefs: parse(`${LINK}\n${sdl}`),
});

export const PRODUCTS = `
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

export const REVIEWS = `
  type Query { reviews: [Review!]! }
  type Review { id: ID! body: String! product: Product }
  type Product @key(fields: "id") { id: ID! }
`;

export const current = [subgraph('products', PRODUCTS), subgraph('reviews', REVIEWS)];

/** The check of `products` changed by `edit` of its SDL. */
export const checkProducts = (edit: (sdl: string) => string, usage?: UsageReader) =>
  checkCandidate({ current, candidate: subgraph('products', edit(PRODUCTS)), usage });

export const change = (report: CheckReport, coordinate: string) =>
  report.changes.find((c) => c.coordinate === coordinate);

export const kindAt = (report: CheckReport, coordinate: string) => change(report, coordinate)?.kind;
