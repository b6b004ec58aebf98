/**
 * Reviews: an Apollo Federation v2 subgraph. It extends the catalogue's `Book` entity with its
 * reviews and refers to accounts' `User` as the author of a review (and gives each user their
 * reviews). Run on its own: `npx tsx subgraphs/demo/reviews/server.ts [port]` (default 4103,
 * path /graphql).
 */
import type { GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '../../../schema/federation/build-subgraph-schema.ts';
import { type RunningServer, serveGraphQL } from '../../lib/serve-graphql.ts';
import { runStandalone } from '../standalone.ts';

export const REVIEWS_DEFAULT_PORT = 4103;

interface Review {
  id: string;
  bookId: string;
  authorId: string;
  /** 1 to 5 stars. */
  rating: number;
  body: string;
}

const REVIEWS: readonly Review[] = [
  { id: '1', bookId: '1', authorId: '1', rating: 5, body: 'The book that taught me names have power.' },
  { id: '2', bookId: '1', authorId: '3', rating: 4, body: 'Quiet, wise, and over too soon.' },
  {
    id: '3',
    bookId: '2',
    authorId: '2',
    rating: 5,
    body: 'An ambiguous utopia that argues with itself, and wins.',
  },
  { id: '4', bookId: '3', authorId: '1', rating: 4, body: 'Fifty-five cities, every one of them Venice.' },
  { id: '5', bookId: '3', authorId: '4', rating: 3, body: 'Beautiful sentences, no plot to speak of.' },
  { id: '6', bookId: '5', authorId: '2', rating: 5, body: 'Hard to read, impossible to forget.' },
  {
    id: '7',
    bookId: '6',
    authorId: '3',
    rating: 5,
    body: 'Every story is a labyrinth with a library inside.',
  },
  { id: '8', bookId: '8', authorId: '4', rating: 4, body: 'Sharp about race, love and hair.' },
  { id: '9', bookId: '8', authorId: '1', rating: 5, body: 'I gave a copy to everyone I know.' },
];

export const reviewsTypeDefs = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  "A book of the catalogue, extended here with what readers think of it."
  type Book @key(fields: "id") {
    id: ID!
    reviews: [Review!]!
    "Average rating, 1 to 5; null when the book has no review yet."
    averageRating: Float
  }

  "A customer (owned by accounts), extended here with the reviews they wrote."
  type User @key(fields: "id") {
    id: ID!
    reviews: [Review!]!
  }

  type Review @key(fields: "id") {
    id: ID!
    "1 to 5 stars."
    rating: Int!
    body: String!
    book: Book!
    author: User!
  }

  type Query {
    "The most recent reviews, newest first."
    latestReviews(first: Int! = 5): [Review!]!
  }
`;

/** The reviews subgraph schema (with `_service` and `_entities`). */
export function reviewsSchema(): GraphQLSchema {
  const byId = new Map(REVIEWS.map((r) => [r.id, r]));
  const ofBook = (id: string) => REVIEWS.filter((r) => r.bookId === id);
  return buildSubgraphSchema({
    typeDefs: reviewsTypeDefs,
    resolvers: {
      Query: {
        latestReviews: (_: never, args: { first: number }) => [...REVIEWS].reverse().slice(0, args.first),
      },
      Book: {
        __resolveReference: (ref) => ({ id: String(ref.id) }),
        reviews: (book: { id: string }) => ofBook(book.id),
        averageRating: (book: { id: string }) => {
          const reviews = ofBook(book.id);
          if (reviews.length === 0) return null;
          return Math.round((reviews.reduce((sum, r) => sum + r.rating, 0) / reviews.length) * 100) / 100;
        },
      },
      User: {
        __resolveReference: (ref) => ({ id: String(ref.id) }),
        reviews: (user: { id: string }) => REVIEWS.filter((r) => r.authorId === user.id),
      },
      Review: {
        __resolveReference: (ref) => byId.get(String(ref.id)) ?? null,
        book: (review: Review) => ({ id: review.bookId }),
        author: (review: Review) => ({ id: review.authorId }),
      },
    },
  });
}

/** Starts reviews on `host:port` (default 127.0.0.1, a free port); `url` is its GraphQL endpoint. */
export function startReviews(options: { host?: string; port?: number } = {}): Promise<RunningServer> {
  return serveGraphQL({ schema: reviewsSchema(), host: options.host, port: options.port });
}

await runStandalone(import.meta.url, 'reviews', REVIEWS_DEFAULT_PORT, (port) => startReviews({ port }));
