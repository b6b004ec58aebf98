/**
 * Progressive `@override` (federation 2.7 `label:`): `percent(100)` always moves the field to the
 * overriding subgraph, `percent(0)` never does, and a feature-flag label that nobody enabled leaves
 * it with the subgraph it is overridden from. Each subgraph answers with its own name, so the
 * answer shows which one resolved the field.
 */
import { GraphQLError } from 'graphql';
import type { ConformanceGraph } from '../conformance.ts';
import { apolloSubgraph } from '../harness.ts';

const link = (...directives: string[]) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: [${directives.map((d) => `"${d}"`).join(', ')}])\n`;

const products = [
  { upc: '1', name: 'Table' },
  { upc: '2', name: 'Lamp' },
];
const from =
  (subgraph: string) =>
  (p: { upc: string }): string =>
    `${subgraph}:${p.upc}`;

export const overrideLabels: ConformanceGraph = {
  feature: '@override with progressive labels',
  subgraphs: () => ({
    products: apolloSubgraph(
      `${link('@key')}
      type Query { products: [Product!]! }
      type Product @key(fields: "upc") { upc: String! name: String! stock: String! price: String! badge: String! }`,
      {
        Query: { products: () => products },
        Product: { stock: from('products'), price: from('products'), badge: from('products') },
      },
    ),
    inventory: apolloSubgraph(
      `${link('@key', '@override')}
      type Product @key(fields: "upc") {
        upc: String!
        stock: String! @override(from: "products", label: "percent(100)")
        price: String! @override(from: "products", label: "percent(0)")
        badge: String! @override(from: "products", label: "beta")
      }`,
      {
        Product: {
          __resolveReference: (ref: { upc: string }) => {
            if (typeof ref.upc !== 'string') throw new GraphQLError('representation without upc');
            return { upc: ref.upc };
          },
          stock: from('inventory'),
          price: from('inventory'),
          badge: from('inventory'),
        },
      },
    ),
  }),
  cases: [
    {
      name: 'percent(100): the overriding subgraph always resolves the field',
      query: '{ products { upc stock } }',
      expected: {
        data: {
          products: [
            { upc: '1', stock: 'inventory:1' },
            { upc: '2', stock: 'inventory:2' },
          ],
        },
      },
    },
    {
      name: 'percent(0): the subgraph overridden from keeps the field, and the other is not called',
      query: '{ products { upc price } }',
      expected: {
        data: {
          products: [
            { upc: '1', price: 'products:1' },
            { upc: '2', price: 'products:2' },
          ],
        },
      },
      requests: { products: 1, inventory: 0 },
    },
    {
      name: 'a label nobody enabled: the subgraph overridden from keeps the field',
      query: '{ products { badge } }',
      expected: { data: { products: [{ badge: 'products:1' }, { badge: 'products:2' }] } },
      requests: { inventory: 0 },
    },
    {
      name: 'all three labels in one operation',
      query: '{ products { name stock price badge } }',
      expected: {
        data: {
          products: [
            { name: 'Table', stock: 'inventory:1', price: 'products:1', badge: 'products:1' },
            { name: 'Lamp', stock: 'inventory:2', price: 'products:2', badge: 'products:2' },
          ],
        },
      },
    },
  ],
};
