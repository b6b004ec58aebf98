/**
 * `@inaccessible`: fields, types and enum values hidden from the public schema. Querying them is
 * a validation error, introspection does not show them, and the planner still uses them inside
 * (here as a key other subgraphs join on and as a `@requires` input).
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { apolloSubgraph, fed2, forEachEngine, sharedFederation, withoutMessages } from './harness.ts';

type Ref = Record<string, unknown>;

const subgraphs = () => ({
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
});

// The subgraphs keep no state, so every case of the file shares them (and a gateway per engine).
const graph = sharedFederation(subgraphs);

describe('@inaccessible', () => {
  forEachEngine(({ it, engine }) => {
    it('still joins on an inaccessible key field', async () => {
      const fed = await graph.on(engine);
      const { body } = await fed.query('{ me { name tier invoiceCount greeting } }');
      assert.deepEqual(body, {
        data: { me: { name: 'Ada', tier: 'GOLD', invoiceCount: 21, greeting: 'Dear Ada' } },
      });
    });

    it('rejects a query for an inaccessible field as a validation error', async () => {
      const fed = await graph.on(engine);
      const { status, body } = await fed.query('{ me { name legacyId } }');
      assert.equal(status, 400);
      assert.deepEqual(withoutMessages(body), {
        errors: [
          {
            message: '…',
            locations: [{ line: 1, column: 13 }],
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
          },
        ],
      });
      assert.equal(fed.servers.accounts!.requests(), 0);
    });

    it('rejects an inaccessible type in a fragment and an inaccessible enum value in an argument', async () => {
      const fed = await graph.on(engine);
      const { status, body } = await fed.query('{ me { ... on Secret { value } } }');
      assert.equal(status, 400);
      assert.deepEqual(withoutMessages(body), {
        errors: [
          {
            message: '…',
            locations: [{ line: 1, column: 15 }],
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
          },
        ],
      });
      const literal = await fed.query('{ members(tier: STAFF) }');
      assert.equal(literal.status, 400);
      assert.deepEqual(withoutMessages(literal.body), {
        errors: [
          {
            message: '…',
            locations: [{ line: 1, column: 17 }],
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
          },
        ],
      });
      const variable = await fed.query('query ($t: Tier!) { members(tier: $t) }', { t: 'STAFF' });
      assert.equal(variable.status, 400);
      assert.deepEqual(withoutMessages(variable.body), {
        errors: [
          { message: '…', locations: [{ line: 1, column: 8 }], extensions: { code: 'BAD_USER_INPUT' } },
        ],
      });
      assert.equal(fed.servers.accounts!.requests(), 0);
    });

    it('does not show inaccessible fields, types and enum values in introspection', async () => {
      const fed = await graph.on(engine);
      const { body } = await fed.query(`{
      user: __type(name: "User") { fields { name } }
      secret: __type(name: "Secret") { name }
      tier: __type(name: "Tier") { enumValues(includeDeprecated: true) { name } }
    }`);
      assert.deepEqual(body, {
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
      });
    });
  });
});
