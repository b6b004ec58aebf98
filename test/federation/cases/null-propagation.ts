/**
 * Null propagation across an entity hop: a non-null field that another subgraph sends as null
 * (or fails) nulls the nearest nullable parent on the client's side of the hop, through non-null
 * objects and non-null list items; the subgraph's error stays at its full client path.
 */
import { GraphQLError } from 'graphql';
import type { ConformanceGraph } from '../conformance.ts';
import { apolloSubgraph, fed2 } from '../harness.ts';

const orders = [
  { id: 'o1', note: 'leave at door', customer: { id: 'u1' }, reviewer: { id: 'u1' } },
  { id: 'o2', note: null, customer: { id: 'u2' }, reviewer: { id: 'u2' } },
];
// u2's address has no city, though `Address.city` is non-null; u2's email is forbidden.
const addresses: Record<string, { city: string | null; zip: string }> = {
  u1: { city: 'Paris', zip: '75001' },
  u2: { city: null, zip: '1000' },
};

const STITCHING_LOSES_NESTED_ERROR =
  "stitching engine: drops the subgraph's error at Address.city and reports a non-null error of its own one level up (User.address)";

const nullCity = (path: Array<string | number>) => ({
  message: 'Cannot return null for non-nullable field Address.city.',
  path,
  extensions: { code: 'SUBGRAPH_ERROR', serviceName: 'accounts' },
});

export const nullPropagation: ConformanceGraph = {
  feature: 'null propagation across entities',
  subgraphs: () => ({
    orders: apolloSubgraph(
      `${fed2('@key')}
      type Query { order(id: ID!): Order orders: [Order!] }
      type Order { id: ID! note: String customer: User! reviewer: User }
      type User @key(fields: "id") { id: ID! }`,
      {
        Query: {
          order: (_: unknown, args: { id: string }) => orders.find((o) => o.id === args.id) ?? null,
          orders: () => orders,
        },
      },
    ),
    accounts: apolloSubgraph(
      `${fed2('@key')}
      type User @key(fields: "id") { id: ID! name: String email: String! address: Address! }
      type Address { city: String! zip: String }`,
      {
        User: {
          __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
          name: (u: { id: string }) => `name-${u.id}`,
          email: (u: { id: string }) => {
            if (u.id === 'u2') throw new GraphQLError('email hidden', { extensions: { code: 'FORBIDDEN' } });
            return `${u.id}@example.com`;
          },
          address: (u: { id: string }) => addresses[u.id],
        },
      },
    ),
  }),
  cases: [
    {
      name: 'a null non-null field nulls non-null parents up to the nullable root field; the sibling survives',
      stitchingTodo: STITCHING_LOSES_NESTED_ERROR,
      query:
        '{ a: order(id: "o1") { id customer { address { city } } } b: order(id: "o2") { id customer { name address { city } } } }',
      expected: {
        errors: [nullCity(['b', 'customer', 'address', 'city'])],
        data: { a: { id: 'o1', customer: { address: { city: 'Paris' } } }, b: null },
      },
    },
    {
      name: 'the same entity answers in full when the null field is not asked for',
      query: '{ b: order(id: "o2") { customer { name address { zip } } } }',
      expected: { data: { b: { customer: { name: 'name-u2', address: { zip: '1000' } } } } },
    },
    {
      name: 'a nullable entity field stops the propagation: only it is null',
      stitchingTodo: STITCHING_LOSES_NESTED_ERROR,
      query: '{ b: order(id: "o2") { id reviewer { address { city } } } }',
      expected: {
        errors: [nullCity(['b', 'reviewer', 'address', 'city'])],
        data: { b: { id: 'o2', reviewer: null } },
      },
    },
    {
      name: 'through non-null list items to the nullable list',
      stitchingTodo: STITCHING_LOSES_NESTED_ERROR,
      query: '{ orders { id customer { address { city } } } }',
      expected: { errors: [nullCity(['orders', 1, 'customer', 'address', 'city'])], data: { orders: null } },
    },
    {
      name: 'a non-null entity field that fails in its subgraph nulls the nearest nullable parent',
      query: '{ a: order(id: "o1") { customer { email } } b: order(id: "o2") { note customer { email } } }',
      expected: {
        errors: [
          {
            message: 'email hidden',
            path: ['b', 'customer', 'email'],
            extensions: { code: 'FORBIDDEN', serviceName: 'accounts' },
          },
        ],
        data: { a: { customer: { email: 'u1@example.com' } }, b: null },
      },
    },
  ],
};
