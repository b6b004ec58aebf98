/**
 * Operation features through the planner: variables of input object, list and enum types (also
 * on fields of another subgraph), `@skip`/`@include` with variables, named and inline fragments,
 * and aliases of one field with different arguments.
 */
import type { ConformanceGraph } from '../conformance.ts';
import { apolloSubgraph, fed2 } from '../harness.ts';

type Ref = Record<string, unknown>;
interface Filter {
  categories?: string[];
  price?: { min?: number; max?: number };
}

const products = [
  { upc: '1', name: 'Table', category: 'FURNITURE', price: 900 },
  { upc: '2', name: 'Lamp', category: 'LIGHTING', price: 40 },
  { upc: '3', name: 'Chair', category: 'FURNITURE', price: 120 },
];
const matches = (p: (typeof products)[number], f: Filter = {}) =>
  (f.categories === undefined || f.categories.includes(p.category)) &&
  p.price >= (f.price?.min ?? 0) &&
  p.price <= (f.price?.max ?? Number.POSITIVE_INFINITY);

const skipQuery = `query ($withReviews: Boolean!, $hideName: Boolean!) {
  products(filter: { categories: [LIGHTING] }) {
    upc name @skip(if: $hideName) reviews(first: 1) @include(if: $withReviews)
  }
}`;

export const operations: ConformanceGraph = {
  feature: 'operations through the planner',
  subgraphs: () => ({
    products: apolloSubgraph(
      `${fed2('@key')}
    type Query { products(filter: ProductFilter): [Product!]! }
    enum Category { FURNITURE LIGHTING }
    input PriceRange { min: Int max: Int }
    input ProductFilter { categories: [Category!] price: PriceRange }
    type Product @key(fields: "upc") { upc: String! name: String! category: Category! }`,
      {
        Query: {
          products: (_: unknown, args: { filter?: Filter }) =>
            products.filter((p) => matches(p, args.filter)),
        },
      },
    ),
    reviews: apolloSubgraph(
      `${fed2('@key')}
    enum Order { NEWEST OLDEST }
    type Product @key(fields: "upc") { upc: String! reviews(first: Int!, order: Order = NEWEST): [String!]! }`,
      {
        Product: {
          __resolveReference: (ref: Ref) => ({ upc: ref.upc }),
          reviews: (p: { upc: string }, args: { first: number; order: string }) => {
            const all = [1, 2, 3].map((n) => `${p.upc}-r${n}`);
            return (args.order === 'NEWEST' ? all.reverse() : all).slice(0, args.first);
          },
        },
      },
    ),
  }),
  cases: [
    {
      name: 'passes input object, list and enum variables to the subgraphs',
      query: `query ($filter: ProductFilter!, $order: Order!, $n: Int!) {
        products(filter: $filter) { name category reviews(first: $n, order: $order) }
      }`,
      variables: { filter: { categories: ['FURNITURE'], price: { max: 500 } }, order: 'OLDEST', n: 2 },
      expected: {
        data: { products: [{ name: 'Chair', category: 'FURNITURE', reviews: ['3-r1', '3-r2'] }] },
      },
    },
    {
      name: 'passes a list variable inside an object literal, and an operation default value',
      query: `query ($cats: [Category!]!, $max: Int = 100) {
        products(filter: { categories: $cats, price: { max: $max } }) { upc reviews(first: 1) }
      }`,
      variables: { cats: ['LIGHTING', 'FURNITURE'] },
      expected: { data: { products: [{ upc: '2', reviews: ['2-r3'] }] } },
    },
    {
      name: 'applies @skip and @include with variables, and skips a subgraph nobody needs',
      query: skipQuery,
      variables: { withReviews: false, hideName: true },
      expected: { data: { products: [{ upc: '2' }] } },
      requests: { reviews: 0 },
    },
    {
      name: 'applies @skip and @include with variables the other way round',
      query: skipQuery,
      variables: { withReviews: true, hideName: false },
      expected: { data: { products: [{ upc: '2', name: 'Lamp', reviews: ['2-r3'] }] } },
    },
    {
      name: 'merges named and inline fragments, and aliases one field with different arguments',
      query: `query Catalogue {
        cheap: products(filter: { price: { max: 100 } }) { ...Card }
        furniture: products(filter: { categories: [FURNITURE] }) {
          ... on Product { upc }
          ...Card
          newest: reviews(first: 1)
          oldest: reviews(first: 2, order: OLDEST)
        }
      }
      fragment Card on Product { name ... on Product { label: category } }`,
      expected: {
        data: {
          cheap: [{ name: 'Lamp', label: 'LIGHTING' }],
          furniture: [
            { upc: '1', name: 'Table', label: 'FURNITURE', newest: ['1-r3'], oldest: ['1-r1', '1-r2'] },
            { upc: '3', name: 'Chair', label: 'FURNITURE', newest: ['3-r3'], oldest: ['3-r1', '3-r2'] },
          ],
        },
      },
    },
  ],
};
