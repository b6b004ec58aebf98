/**
 * `@requires` with `@external`: the planner fetches the required fields from the subgraphs that
 * own them and sends them in the representation. Each reference resolver throws when a required
 * field is missing, so an incomplete representation fails the case.
 */
import type { ConformanceGraph } from '../conformance.ts';
import { apolloSubgraph, fed2 } from '../harness.ts';

type Ref = Record<string, unknown>;

function need<T>(ref: Ref, field: string): T {
  if (ref[field] === undefined) throw new Error(`representation without ${field}`);
  return ref[field] as T;
}

const products = [
  { upc: '1', name: 'Table', price: 900, weight: 30, size: 'L' },
  { upc: '2', name: 'Lamp', price: 1500, weight: 2, size: 'S' },
];
const productsSubgraph = () =>
  apolloSubgraph(
    `${fed2('@key', '@shareable')}
    type Query { products: [Product!]! }
    type Product @key(fields: "upc") {
      upc: String! name: String! price: Int! weight: Int! dimensions: Dimensions!
    }
    type Dimensions @shareable { size: String! weight: Int! }`,
    {
      Query: { products: () => products },
      Product: { dimensions: (p: (typeof products)[number]) => ({ size: p.size, weight: p.weight }) },
    },
  );

export const requires: readonly ConformanceGraph[] = [
  {
    feature: '@requires',
    subgraphs: () => ({
      products: productsSubgraph(),
      shipping: apolloSubgraph(
        `${fed2('@key', '@external', '@requires')}
        type Product @key(fields: "upc") {
          upc: String! price: Int! @external weight: Int! @external
          shippingEstimate: Int! @requires(fields: "price weight")
        }`,
        {
          Product: {
            __resolveReference: (ref: Ref) => {
              const price = need<number>(ref, 'price');
              return { upc: ref.upc, shippingEstimate: price > 1000 ? 0 : need<number>(ref, 'weight') / 2 };
            },
          },
        },
      ),
    }),
    cases: [
      {
        name: 'sends fields owned by another subgraph in the representation',
        query: '{ products { name shippingEstimate } }',
        expected: {
          data: {
            products: [
              { name: 'Table', shippingEstimate: 15 },
              { name: 'Lamp', shippingEstimate: 0 },
            ],
          },
        },
      },
    ],
  },
  {
    feature: '@requires',
    subgraphs: () => ({
      products: productsSubgraph(),
      shipping: apolloSubgraph(
        `${fed2('@key', '@external', '@requires', '@shareable')}
        type Product @key(fields: "upc") {
          upc: String! dimensions: Dimensions! @external
          carrier: String! @requires(fields: "dimensions { size weight }")
        }
        type Dimensions @shareable { size: String! weight: Int! }`,
        {
          Product: {
            __resolveReference: (ref: Ref) => {
              const d = need<{ size?: string; weight?: number }>(ref, 'dimensions');
              if (d.size === undefined || d.weight === undefined) throw new Error('incomplete dimensions');
              return { upc: ref.upc, carrier: d.size === 'L' && d.weight > 10 ? 'freight' : 'post' };
            },
          },
        },
      ),
    }),
    cases: [
      {
        name: 'sends a nested selection (@requires(fields: "dimensions { size weight }"))',
        query: '{ products { upc carrier } }',
        expected: {
          data: {
            products: [
              { upc: '1', carrier: 'freight' },
              { upc: '2', carrier: 'post' },
            ],
          },
        },
      },
    ],
  },
  {
    feature: '@requires',
    subgraphs: () => ({
      products: productsSubgraph(),
      warehouse: apolloSubgraph(
        `${fed2('@key')}
        type Product @key(fields: "upc") { upc: String! aisle: Int! }`,
        { Product: { __resolveReference: (ref: Ref) => ({ upc: ref.upc, aisle: Number(ref.upc) * 10 }) } },
      ),
      picking: apolloSubgraph(
        `${fed2('@key', '@external', '@requires')}
        type Product @key(fields: "upc") {
          upc: String! name: String! @external aisle: Int! @external
          pickLabel: String! @requires(fields: "name aisle")
        }`,
        {
          Product: {
            __resolveReference: (ref: Ref) => ({
              upc: ref.upc,
              pickLabel: `${need<string>(ref, 'name')}@${need<number>(ref, 'aisle')}`,
            }),
          },
        },
      ),
    }),
    cases: [
      {
        name: 'gathers required fields from two other subgraphs',
        query: '{ products { pickLabel } }',
        expected: { data: { products: [{ pickLabel: 'Table@10' }, { pickLabel: 'Lamp@20' }] } },
      },
    ],
  },
  {
    feature: '@requires',
    subgraphs: () => ({
      products: apolloSubgraph(
        `${fed2('@key')}
        type Query { products: [Product!]! }
        enum Currency { USD EUR }
        type Product @key(fields: "upc") { upc: String! price(currency: Currency!): Int! }`,
        {
          Query: { products: () => products },
          Product: {
            price: (p: { price: number }, args: { currency: string }) =>
              args.currency === 'EUR' ? p.price - 100 : p.price,
          },
        },
      ),
      tax: apolloSubgraph(
        `${fed2('@key', '@external', '@requires')}
        enum Currency { USD EUR }
        type Product @key(fields: "upc") {
          upc: String! price(currency: Currency!): Int! @external
          vatEur: Int! @requires(fields: "price(currency: EUR)")
        }`,
        {
          Product: {
            __resolveReference: (ref: Ref) => ({ upc: ref.upc, vatEur: need<number>(ref, 'price') / 5 }),
          },
        },
      ),
    }),
    cases: [
      {
        name: 'requires a field with arguments (@requires(fields: "price(currency: EUR)"))',
        query: '{ products { upc vatEur } }',
        expected: {
          data: {
            products: [
              { upc: '1', vatEur: 160 },
              { upc: '2', vatEur: 280 },
            ],
          },
        },
      },
    ],
  },
];
