/**
 * The benchmark graph as one plain graphql-js schema, no federation: the baseline every gateway is
 * compared with. Its resolvers reproduce the quirks of the four subgraphs (see the fixture's README)
 * so that it answers `TestQuery` deep-equal to `expected-response.json`.
 */
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import {
  inStock,
  type Product,
  products,
  type Review,
  reviews,
  type User,
  users,
} from '../../../subgraphs/bench/data.ts';

const typeDefs = /* GraphQL */ `
  type Query {
    me: User
    user(id: ID!): User
    users: [User]
    topProducts(first: Int = 5): [Product]
  }
  type User {
    id: ID!
    name: String
    username: String
    birthday: Int
    reviews: [Review]
  }
  type Product {
    upc: String!
    name: String
    price: Int
    weight: Int
    inStock: Boolean
    shippingEstimate: Int
    reviews: [Review]
  }
  type Review {
    id: ID!
    body: String
    product: Product
    author: User
  }
`;

const usersById = new Map(users.map((u) => [u.id, u]));
const productsByUpc = new Map(products.map((p) => [p.upc, p]));
// The reviews subgraph answers `User.reviews` with reviews 1 and 2, whoever the user is.
const firstTwoReviews = reviews.filter((r) => r.id === '1' || r.id === '2');
const reviewsByUpc = new Map(products.map((p) => [p.upc, reviews.filter((r) => r.productUpc === p.upc)]));

export function monolithSchema(): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs,
    resolvers: {
      Query: {
        me: () => usersById.get('1'),
        user: (_: unknown, args: { id: string }) => usersById.get(args.id) ?? null,
        users: () => users,
        topProducts: (_: unknown, args: { first: number }) => products.slice(0, args.first),
      },
      User: { reviews: (_: User) => firstTwoReviews },
      Product: {
        inStock: (p: Product) => inStock[p.upc] ?? null,
        // The inventory subgraph never sees price and weight, so the estimate is always null.
        shippingEstimate: () => null,
        reviews: (p: Product) => reviewsByUpc.get(p.upc) ?? [],
      },
      Review: {
        product: (r: Review) => productsByUpc.get(r.productUpc) ?? null,
        // `Review.author` is always user 1 in the reviews subgraph.
        author: () => usersById.get('1'),
      },
    },
  });
}
