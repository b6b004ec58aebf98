/**
 * The four subgraphs of the federation gateways benchmark, with the quirks its expected response
 * depends on (see the fixture's README): inventory ignores price and weight, `Review.author` is
 * always user 1, and `User.reviews` in reviews is always reviews 1 and 2.
 */
import type { GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '../../schema/federation/build-subgraph-schema.ts';
import { inStock, products, readFixture, reviews, users } from './data.ts';

const sdl = (name: string) => readFixture(`subgraphs/${name}.graphql`);
const usersById = new Map(users.map((u) => [u.id, u]));
const productsByUpc = new Map(products.map((p) => [p.upc, p]));
const reviewsById = new Map(reviews.map((r) => [r.id, r]));
const firstTwoReviews = reviews.filter((r) => r.id === '1' || r.id === '2');

type Ref = Record<string, unknown>;

export const benchSubgraphNames = ['accounts', 'inventory', 'products', 'reviews'] as const;
export type BenchSubgraphName = (typeof benchSubgraphNames)[number];

export function benchSubgraphSchema(name: BenchSubgraphName): GraphQLSchema {
  switch (name) {
    case 'accounts':
      return buildSubgraphSchema({
        typeDefs: sdl(name),
        resolvers: {
          Query: {
            me: () => usersById.get('1'),
            user: (_: never, args: { id: string }) => usersById.get(args.id) ?? null,
            users: () => users,
          },
          User: { __resolveReference: (ref: Ref) => usersById.get(String(ref.id)) ?? null },
        },
      });
    case 'inventory':
      return buildSubgraphSchema({
        typeDefs: sdl(name),
        resolvers: {
          Product: {
            // The benchmark's inventory ignores the price and weight in the representation.
            __resolveReference: (ref: Ref) => ({ upc: ref.upc, price: null, weight: null }),
            inStock: (p: { upc: string }) => inStock[p.upc] ?? null,
            shippingEstimate: (p: { price: number | null; weight: number | null }) =>
              p.price == null || p.weight == null ? null : p.price > 1000 ? 0 : Math.trunc(p.weight / 2),
          },
        },
      });
    case 'products':
      return buildSubgraphSchema({
        typeDefs: sdl(name),
        resolvers: {
          Query: { topProducts: (_: never, args: { first: number }) => products.slice(0, args.first) },
          Product: { __resolveReference: (ref: Ref) => productsByUpc.get(String(ref.upc)) ?? null },
        },
      });
    case 'reviews':
      return buildSubgraphSchema({
        typeDefs: sdl(name),
        resolvers: {
          Review: {
            __resolveReference: (ref: Ref) => reviewsById.get(String(ref.id)) ?? null,
            product: (r: { productUpc: string }) => ({ upc: r.productUpc }),
            author: () => ({ id: '1', username: 'urigo' }),
          },
          User: { reviews: () => firstTwoReviews },
          Product: { reviews: (p: { upc: string }) => reviews.filter((r) => r.productUpc === p.upc) },
        },
      });
  }
}
