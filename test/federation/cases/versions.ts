/**
 * Federation v2 (`@link`) and v1 (`extend type`, `@extends`) subgraphs, and subgraphs built with
 * our own `buildSubgraphSchema`, all join the same entity.
 */
import type { ConformanceGraph } from '../conformance.ts';
import { apolloSubgraph, fed2, gatehouseSubgraph } from '../harness.ts';

const users = [
  { id: '1', name: 'Ada' },
  { id: '2', name: 'Grace' },
];
const userById = (ref: { id: string }) => users.find((u) => u.id === ref.id) ?? null;
const query = '{ users { id name reviewCount } }';
const expected = {
  data: {
    users: [
      { id: '1', name: 'Ada', reviewCount: 1 },
      { id: '2', name: 'Grace', reviewCount: 2 },
    ],
  },
};

export const versions: readonly ConformanceGraph[] = [
  {
    feature: 'federation versions',
    subgraphs: () => ({
      accounts: apolloSubgraph(
        `${fed2('@key')}
        type Query { users: [User!]! }
        type User @key(fields: "id") { id: ID! name: String! }`,
        { Query: { users: () => users }, User: { __resolveReference: userById } },
      ),
      reviews: apolloSubgraph(
        `${fed2('@key')}
        type User @key(fields: "id") { id: ID! reviewCount: Int! }`,
        { User: { reviewCount: (u: { id: string }) => Number(u.id) } },
      ),
    }),
    cases: [{ name: 'joins two federation v2 subgraphs (@link)', query, expected }],
  },
  {
    feature: 'federation versions',
    subgraphs: () => ({
      accounts: apolloSubgraph(
        `type Query { users: [User!]! }
        type User @key(fields: "id") { id: ID! name: String! }`,
        { Query: { users: () => users }, User: { __resolveReference: userById } },
      ),
      reviews: apolloSubgraph(`extend type User @key(fields: "id") { id: ID! @external reviewCount: Int! }`, {
        User: { reviewCount: (u: { id: string }) => Number(u.id) },
      }),
    }),
    cases: [{ name: 'joins federation v1 subgraphs (extend type, @extends, @external)', query, expected }],
  },
  {
    feature: 'federation versions',
    subgraphs: () => ({
      accounts: apolloSubgraph(
        `type Query { users: [User!]! }
        type User @key(fields: "id") { id: ID! name: String! }`,
        { Query: { users: () => users }, User: { __resolveReference: userById } },
      ),
      reviews: apolloSubgraph(
        `type User @key(fields: "id") @extends { id: ID! @external reviewCount: Int! }`,
        { User: { reviewCount: (u: { id: string }) => Number(u.id) } },
      ),
    }),
    cases: [{ name: 'accepts the v1 @extends directive in place of extend type', query, expected }],
  },
  {
    feature: 'federation versions',
    subgraphs: () => ({
      accounts: apolloSubgraph(
        `type Query { users: [User!]! }
        type User @key(fields: "id") { id: ID! name: String! }`,
        { Query: { users: () => users }, User: { __resolveReference: userById } },
      ),
      reviews: apolloSubgraph(
        `${fed2('@key')}
        type User @key(fields: "id") { id: ID! reviewCount: Int! }`,
        { User: { reviewCount: (u: { id: string }) => Number(u.id) } },
      ),
    }),
    cases: [{ name: 'mixes a v1 subgraph with a v2 one', query, expected }],
  },
  {
    feature: 'federation versions',
    subgraphs: () => ({
      accounts: gatehouseSubgraph(
        `${fed2('@key')}
        type Query { users: [User!]! }
        type User @key(fields: "id") { id: ID! name: String! }`,
        {
          Query: { users: () => users },
          User: { __resolveReference: (ref) => userById(ref as { id: string }) },
        },
      ),
      reviews: gatehouseSubgraph(
        `extend type User @key(fields: "id") { id: ID! @external reviewCount: Int! }`,
        { User: { reviewCount: (u: { id: string }) => Number(u.id) } },
      ),
    }),
    cases: [{ name: 'serves subgraphs built with our own buildSubgraphSchema (v2 and v1)', query, expected }],
  },
];
