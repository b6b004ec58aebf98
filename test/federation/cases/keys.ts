/**
 * `@key`: single, compound, several keys on one type, a nested key, and `resolvable: false`.
 * Reference resolvers reject a representation missing a key field, so a planner sending an
 * incomplete one shows as a wrong answer.
 */
import { GraphQLError } from 'graphql';
import type { ConformanceGraph } from '../conformance.ts';
import { apolloSubgraph, fed2 } from '../harness.ts';

type Ref = Record<string, unknown>;

export const keys: readonly ConformanceGraph[] = [
  {
    feature: '@key',
    subgraphs: () => ({
      products: apolloSubgraph(
        `${fed2('@key')}
        type Query { product(upc: String!): Product }
        type Product @key(fields: "upc") { upc: String! name: String! }`,
        {
          Query: {
            product: (_: unknown, args: { upc: string }) => ({ upc: args.upc, name: `P-${args.upc}` }),
          },
        },
      ),
      inventory: apolloSubgraph(
        `${fed2('@key')}
        type Product @key(fields: "upc") { upc: String! stock: Int! }`,
        {
          Product: { __resolveReference: (ref: Ref) => ({ upc: ref.upc, stock: String(ref.upc).length }) },
        },
      ),
    }),
    cases: [
      {
        name: 'joins an entity by a single key',
        query: '{ product(upc: "abc") { upc name stock } }',
        expected: { data: { product: { upc: 'abc', name: 'P-abc', stock: 3 } } },
      },
    ],
  },
  {
    feature: '@key',
    subgraphs: () => ({
      catalog: apolloSubgraph(
        `${fed2('@key')}
        type Query { items: [Item!]! }
        type Item @key(fields: "id org") { id: ID! org: String! title: String! }`,
        {
          Query: {
            items: () => [
              { id: '1', org: 'acme', title: 'Anvil' },
              { id: '1', org: 'globex', title: 'Globe' },
            ],
          },
        },
      ),
      pricing: apolloSubgraph(
        `${fed2('@key')}
        type Item @key(fields: "id org") { id: ID! org: String! price: String! }`,
        {
          Item: {
            __resolveReference: (ref: Ref) => {
              if (typeof ref.org !== 'string') throw new Error('representation without org');
              return { ...ref, price: `${ref.org}:${ref.id}` };
            },
          },
        },
      ),
    }),
    cases: [
      {
        name: 'sends every field of a compound key (@key(fields: "id org"))',
        query: '{ items { title price } }',
        expected: {
          data: {
            items: [
              { title: 'Anvil', price: 'acme:1' },
              { title: 'Globe', price: 'globex:1' },
            ],
          },
        },
      },
    ],
  },
  {
    feature: '@key',
    subgraphs: () => {
      const accounts = [{ id: 'u1', email: 'ada@example.com', name: 'Ada' }];
      return {
        reviews: apolloSubgraph(
          `${fed2('@key')}
        type Query { topReviewer: User! }
        type User @key(fields: "id") { id: ID! }`,
          { Query: { topReviewer: () => ({ id: 'u1' }) } },
        ),
        accounts: apolloSubgraph(
          `${fed2('@key')}
        type User @key(fields: "id") @key(fields: "email") { id: ID! email: String! name: String! }`,
          {
            User: {
              __resolveReference: (ref: Ref) =>
                accounts.find((a) => a.id === ref.id || a.email === ref.email),
            },
          },
        ),
        billing: apolloSubgraph(
          `${fed2('@key')}
        type User @key(fields: "email") { email: String! plan: String! }`,
          {
            User: {
              __resolveReference: (ref: Ref) => {
                if (typeof ref.email !== 'string') throw new Error('representation without email');
                return { email: ref.email, plan: ref.email.startsWith('ada') ? 'pro' : 'free' };
              },
            },
          },
        ),
      };
    },
    cases: [
      {
        name: 'uses whichever of several keys the next subgraph knows the entity by',
        query: '{ topReviewer { id name plan } }',
        expected: { data: { topReviewer: { id: 'u1', name: 'Ada', plan: 'pro' } } },
      },
    ],
  },
  {
    feature: '@key',
    subgraphs: () => ({
      accounts: apolloSubgraph(
        `${fed2('@key')}
        type Query { accounts: [Account!]! }
        type User @key(fields: "id") { id: ID! }
        type Account @key(fields: "id owner { id }") { id: ID! owner: User! label: String! }`,
        {
          Query: {
            accounts: () => [
              { id: 'a1', owner: { id: 'u1' }, label: 'main' },
              { id: 'a1', owner: { id: 'u2' }, label: 'joint' },
            ],
          },
        },
      ),
      ledger: apolloSubgraph(
        `${fed2('@key')}
        type User @key(fields: "id") { id: ID! }
        type Account @key(fields: "id owner { id }") { id: ID! owner: User! balance: Int! }`,
        {
          Account: {
            __resolveReference: (ref: { id: string; owner?: { id?: string } }) => {
              if (typeof ref.owner?.id !== 'string') throw new Error('representation without owner.id');
              return { ...ref, balance: ref.owner.id === 'u1' ? 100 : 250 };
            },
          },
        },
      ),
    }),
    cases: [
      {
        name: 'sends a nested key (@key(fields: "id owner { id }"))',
        query: '{ accounts { label owner { id } balance } }',
        expected: {
          data: {
            accounts: [
              { label: 'main', owner: { id: 'u1' }, balance: 100 },
              { label: 'joint', owner: { id: 'u2' }, balance: 250 },
            ],
          },
        },
      },
    ],
  },
  {
    feature: '@key',
    subgraphs: () => ({
      reviews: apolloSubgraph(
        `${fed2('@key')}
        type Query { reviews: [Review!]! }
        type Review { body: String! author: User! }
        type User @key(fields: "id", resolvable: false) { id: ID! }`,
        {
          Query: { reviews: () => [{ body: 'Great', author: { id: 'u2' } }] },
          User: {
            // Being asked for an entity it cannot resolve shows in the answer.
            __resolveReference: () => {
              throw new GraphQLError('reviews was asked for a User');
            },
          },
        },
      ),
      accounts: apolloSubgraph(
        `${fed2('@key')}
        type User @key(fields: "id") { id: ID! name: String! }`,
        { User: { __resolveReference: (ref: Ref) => ({ id: ref.id, name: `name-${ref.id}` }) } },
      ),
    }),
    cases: [
      {
        name: 'never asks a subgraph for an entity it declares with resolvable: false',
        query: '{ reviews { body author { id name } } }',
        expected: {
          data: { reviews: [{ body: 'Great', author: { id: 'u2', name: 'name-u2' } }] },
        },
        requests: { reviews: 1 },
      },
    ],
  },
];
