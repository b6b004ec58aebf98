/**
 * The shop graph of the plan executor's tests: products (root lists, a list of lists, a
 * mutation), inventory (`@requires` with a nested field), reviews (`@provides`, a mutation) and
 * accounts (`Product.stock` fails for product 2). Fresh data per graph: mutations change it.
 */
import { fed2, type PlanGraph, planGraph } from '../helpers/plan-graph.ts';

type Ref = Record<string, unknown>;

interface Product {
  upc: string;
  name: string;
  price: number;
  weight: number;
  dims: { w: number; h: number };
}

export function shopGraph(): PlanGraph {
  const products: Product[] = [
    { upc: '1', name: 'Table', price: 100, weight: 10, dims: { w: 1, h: 2 } },
    { upc: '2', name: 'Couch', price: 200, weight: 20, dims: { w: 3, h: 4 } },
    { upc: '3', name: 'Chair', price: 50, weight: 5, dims: { w: 5, h: 6 } },
  ];
  const byUpc = (upc: unknown) => products.find((p) => p.upc === upc) ?? null;
  const reviews = [
    { id: 'r1', body: 'Love it', upc: '1', author: 'u1' },
    { id: 'r2', body: 'Too big', upc: '1', author: 'u2' },
    { id: 'r3', body: 'Comfy', upc: '2', author: 'u1' },
  ];
  const users = [
    { id: 'u1', name: 'Ada' },
    { id: 'u2', name: 'Alan' },
  ];
  return planGraph({
    products: {
      typeDefs: `${fed2('@key', '@shareable')}
        type Query { topProducts: [Product] product(upc: String!): Product matrix: [[Product]] }
        type Mutation { setPrice(upc: String!, price: Int!): Product }
        type Product @key(fields: "upc") { upc: String! name: String price: Int weight: Int dims: Dims }
        type Dims @shareable { w: Int h: Int }`,
      resolvers: {
        Query: {
          topProducts: () => products,
          product: (_: unknown, args: { upc: string }) => byUpc(args.upc),
          matrix: () => [[products[0], products[1]], [null, products[2]], []],
        },
        Mutation: {
          setPrice: (_: unknown, args: { upc: string; price: number }) => {
            const product = byUpc(args.upc);
            if (product) product.price = args.price;
            return product;
          },
        },
        Product: { __resolveReference: (ref: Ref) => byUpc(ref.upc) },
      },
    },
    inventory: {
      typeDefs: `${fed2('@key', '@external', '@requires')}
        type Product @key(fields: "upc") {
          upc: String!
          price: Int @external
          weight: Int @external
          dims: Dims @external
          shippingEstimate: Int @requires(fields: "price weight dims { w }")
          inStock: Boolean
          stock: Int
        }
        type Dims @key(fields: "w h", resolvable: false) { w: Int h: Int }`,
      resolvers: {
        Product: {
          __resolveReference: (ref: Ref) => ref,
          shippingEstimate: (p: { price: number; weight: number; dims: { w: number } }) =>
            p.price * 10 + p.weight + p.dims.w,
          inStock: (p: { upc: string }) => p.upc !== '3',
          stock: (p: { upc: string }) => {
            if (p.upc === '2') throw new Error('stock unknown for 2');
            return 7;
          },
        },
      },
    },
    reviews: {
      typeDefs: `${fed2('@key', '@external', '@provides')}
        type Query { reviews: [Review] }
        type Mutation { addReview(upc: String!, body: String!): Review }
        type Review @key(fields: "id") { id: ID! body: String product: Product @provides(fields: "name") author: User }
        type Product @key(fields: "upc") { upc: String! name: String @external reviews: [Review] }
        type User @key(fields: "id") { id: ID! reviews: [Review] }`,
      resolvers: {
        Query: { reviews: () => reviews },
        Mutation: {
          addReview: (_: unknown, args: { upc: string; body: string }) => {
            const review = { id: `r${reviews.length + 1}`, body: args.body, upc: args.upc, author: 'u1' };
            reviews.push(review);
            return review;
          },
        },
        Review: {
          product: (r: { upc: string }) => ({ upc: r.upc, name: `${byUpc(r.upc)?.name} (provided)` }),
          author: (r: { author: string }) => ({ id: r.author }),
        },
        Product: { reviews: (p: { upc: string }) => reviews.filter((r) => r.upc === p.upc) },
        User: { reviews: (u: { id: string }) => reviews.filter((r) => r.author === u.id) },
      },
    },
    accounts: {
      typeDefs: `${fed2('@key')}
        type Query { me: User }
        type User @key(fields: "id") { id: ID! name: String }`,
      resolvers: {
        Query: { me: () => users[0] },
        User: { __resolveReference: (ref: Ref) => users.find((u) => u.id === ref.id) ?? null },
      },
    },
  });
}

/** The representations each call sent, by service, in call order. */
export function representationsSent(graph: PlanGraph): Array<[string, unknown[]]> {
  return graph.calls.map((call) => {
    const variables = (call.request.variables ?? {}) as Record<string, unknown>;
    const sent = Object.entries(variables)
      .filter(([name]) => name === 'representations' || name.startsWith('__batch_reps'))
      .flatMap(([, value]) => value as unknown[]);
    return [call.serviceName, sent];
  });
}
