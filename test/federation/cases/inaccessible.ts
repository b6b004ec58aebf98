/**
 * `@inaccessible`: fields, types and enum values hidden from the public schema. Querying them is
 * a validation error, introspection does not show them, and the planner still uses them inside
 * (here as a key other subgraphs join on and as a `@requires` input).
 */
import type { ConformanceGraph } from '../conformance.ts';
import { apolloSubgraph, fed2 } from '../harness.ts';

type Ref = Record<string, unknown>;

const validationFailed = (column: number) => ({
  errors: [
    { message: '…', locations: [{ line: 1, column }], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
  ],
});

export const inaccessible: ConformanceGraph = {
  feature: '@inaccessible',
  subgraphs: () => ({
    accounts: apolloSubgraph(
      `${fed2('@key', '@inaccessible')}
    type Query { me: User! members(tier: Tier!): [String!]! }
    type User @key(fields: "id") @key(fields: "legacyId") {
      id: ID! legacyId: Int! @inaccessible name: String! tier: Tier! secret: Secret @inaccessible
    }
    type Secret @inaccessible { value: String! }
    enum Tier { GOLD SILVER STAFF @inaccessible }`,
      {
        Query: {
          me: () => ({ id: 'u1', legacyId: 42, name: 'Ada', tier: 'GOLD', secret: { value: 's3cr3t' } }),
          members: (_: unknown, args: { tier: string }) => [`all ${args.tier}`],
        },
      },
    ),
    // Knows users only by their legacy id, which clients never see.
    billing: apolloSubgraph(
      `${fed2('@key', '@external', '@requires')}
    type User @key(fields: "legacyId") {
      legacyId: Int! invoiceCount: Int! name: String! @external
      greeting: String! @requires(fields: "name")
    }`,
      {
        User: {
          __resolveReference: (ref: Ref) => {
            if (typeof ref.legacyId !== 'number') throw new Error('representation without legacyId');
            return {
              legacyId: ref.legacyId,
              invoiceCount: ref.legacyId / 2,
              greeting: `Dear ${String(ref.name)}`,
            };
          },
        },
      },
    ),
  }),
  cases: [
    {
      name: 'still joins on an inaccessible key field',
      query: '{ me { name tier invoiceCount greeting } }',
      expected: { data: { me: { name: 'Ada', tier: 'GOLD', invoiceCount: 21, greeting: 'Dear Ada' } } },
    },
    {
      name: 'rejects a query for an inaccessible field as a validation error',
      query: '{ me { name legacyId } }',
      status: 400,
      expected: validationFailed(13),
      requests: { accounts: 0 },
    },
    {
      name: 'rejects an inaccessible type in a fragment as a validation error',
      query: '{ me { ... on Secret { value } } }',
      status: 400,
      expected: validationFailed(15),
      requests: { accounts: 0 },
    },
    {
      name: 'rejects an inaccessible enum value in an argument as a validation error',
      query: '{ members(tier: STAFF) }',
      status: 400,
      expected: validationFailed(17),
      requests: { accounts: 0 },
    },
    {
      name: 'rejects an inaccessible enum value in a variable as bad user input',
      query: 'query ($t: Tier!) { members(tier: $t) }',
      variables: { t: 'STAFF' },
      status: 400,
      expected: {
        errors: [
          { message: '…', locations: [{ line: 1, column: 8 }], extensions: { code: 'BAD_USER_INPUT' } },
        ],
      },
      requests: { accounts: 0 },
    },
    {
      name: 'does not show inaccessible fields, types and enum values in introspection',
      query: `{
        user: __type(name: "User") { fields { name } }
        secret: __type(name: "Secret") { name }
        tier: __type(name: "Tier") { enumValues(includeDeprecated: true) { name } }
      }`,
      expected: {
        data: {
          user: {
            fields: [
              { name: 'id' },
              { name: 'name' },
              { name: 'tier' },
              { name: 'greeting' },
              { name: 'invoiceCount' },
            ],
          },
          secret: null,
          tier: { enumValues: [{ name: 'GOLD' }, { name: 'SILVER' }] },
        },
      },
    },
  ],
};
