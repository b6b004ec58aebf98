/**
 * Operation features through the planner: variables of input object, list and enum types (also
 * on fields of another subgraph), `@skip`/`@include` with variables, named and inline fragments,
 * and aliases of one field with different arguments.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { apolloSubgraph, fed2, forEachEngine, sharedFederation } from './harness.ts';

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

const subgraphs = () => ({
  products: apolloSubgraph(
    `${fed2('@key')}
    type Query { products(filter: ProductFilter): [Product!]! }
    enum Category { FURNITURE LIGHTING }
    input PriceRange { min: Int max: Int }
    input ProductFilter { categories: [Category!] price: PriceRange }
    type Product @key(fields: "upc") { upc: String! name: String! category: Category! }`,
    {
      Query: {
        products: (_: unknown, args: { filter?: Filter }) => products.filter((p) => matches(p, args.filter)),
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
});

// The subgraphs keep no state, so every case of the file shares them (and a gateway per engine).
const graph = sharedFederation(subgraphs);

describe('operations through the planner', () => {
  forEachEngine(({ it, engine }) => {
    it('passes input object, list and enum variables to the subgraphs', async () => {
      const fed = await graph.on(engine);
      const { body } = await fed.query(
        `query ($filter: ProductFilter!, $order: Order!, $n: Int!) {
        products(filter: $filter) { name category reviews(first: $n, order: $order) }
      }`,
        { filter: { categories: ['FURNITURE'], price: { max: 500 } }, order: 'OLDEST', n: 2 },
      );
      assert.deepEqual(body, {
        data: { products: [{ name: 'Chair', category: 'FURNITURE', reviews: ['3-r1', '3-r2'] }] },
      });
      // A list variable inside an object literal, and an operation default value.
      const nested = await fed.query(
        `query ($cats: [Category!]!, $max: Int = 100) {
        products(filter: { categories: $cats, price: { max: $max } }) { upc reviews(first: 1) }
      }`,
        { cats: ['LIGHTING', 'FURNITURE'] },
      );
      assert.deepEqual(nested.body, { data: { products: [{ upc: '2', reviews: ['2-r3'] }] } });
    });

    it('applies @skip and @include with variables, and skips a subgraph nobody needs', async () => {
      const fed = await graph.on(engine);
      const query = `query ($withReviews: Boolean!, $hideName: Boolean!) {
      products(filter: { categories: [LIGHTING] }) {
        upc name @skip(if: $hideName) reviews(first: 1) @include(if: $withReviews)
      }
    }`;
      const without = await fed.query(query, { withReviews: false, hideName: true });
      assert.deepEqual(without.body, { data: { products: [{ upc: '2' }] } });
      assert.equal(fed.servers.reviews!.requests(), 0);
      const withReviews = await fed.query(query, { withReviews: true, hideName: false });
      assert.deepEqual(withReviews.body, {
        data: { products: [{ upc: '2', name: 'Lamp', reviews: ['2-r3'] }] },
      });
    });

    it('merges named and inline fragments, and aliases one field with different arguments', async () => {
      const fed = await graph.on(engine);
      const { body } = await fed.query(
        `query Catalogue {
        cheap: products(filter: { price: { max: 100 } }) { ...Card }
        furniture: products(filter: { categories: [FURNITURE] }) {
          ... on Product { upc }
          ...Card
          newest: reviews(first: 1)
          oldest: reviews(first: 2, order: OLDEST)
        }
      }
      fragment Card on Product { name ... on Product { label: category } }`,
      );
      assert.deepEqual(body, {
        data: {
          cheap: [{ name: 'Lamp', label: 'LIGHTING' }],
          furniture: [
            { upc: '1', name: 'Table', label: 'FURNITURE', newest: ['1-r3'], oldest: ['1-r1', '1-r2'] },
            { upc: '3', name: 'Chair', label: 'FURNITURE', newest: ['3-r3'], oldest: ['3-r1', '3-r2'] },
          ],
        },
      });
    });
  });
});
