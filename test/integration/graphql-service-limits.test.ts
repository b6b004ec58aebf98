import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { buildSubgraphSchema } from '../../schema/federation/build-subgraph-schema.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const AUTHORS = 20;

describe('entity lookups of a plain GraphQL service without a batch field', () => {
  let accounts: RunningServer;
  let reviews: RunningServer;
  let gateway: TestGateway;
  let inFlight = 0;
  let maxInFlight = 0;
  before(async () => {
    accounts = await serveGraphQL({
      schema: makeExecutableSchema({
        typeDefs: 'type Query { user(id: ID!): User } type User { id: ID! name: String! }',
        resolvers: {
          Query: {
            user: async (_: unknown, { id }: { id: string }) => {
              inFlight++;
              maxInFlight = Math.max(maxInFlight, inFlight);
              await sleep(10); // long enough for calls to overlap
              inFlight--;
              if (id === '13') throw new Error('user 13 is unavailable');
              return { id, name: `user ${id}` };
            },
          },
        },
      }),
    });
    reviews = await serveGraphQL({
      schema: buildSubgraphSchema({
        typeDefs: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
          type Query { reviews: [Review!]! }
          type Review { id: ID! author: User }
          type User @key(fields: "id", resolvable: false) { id: ID! }`,
        resolvers: {
          Query: {
            reviews: () =>
              Array.from({ length: AUTHORS }, (_, i) => ({ id: String(i), author: { id: String(i) } })),
          },
        },
      }),
    });
    gateway = await startTestGateway({
      subgraphs: [
        { name: 'accounts', kind: 'graphql', url: accounts.url, lookups: [{ type: 'User', field: 'user' }] },
        { name: 'reviews', kind: 'federation', url: reviews.url },
      ],
    });
  });
  after(async () => {
    await gateway?.close();
    await reviews?.close();
    await accounts?.close();
  });

  it('keeps at most 8 lookups in flight, and a failed one fails only its entity', async () => {
    const { body } = await gateway.query('{ reviews { id author { name } } }');
    const reviewsData = (body.data as { reviews: Array<{ id: string; author: { name: string } | null }> })
      .reviews;
    assert.equal(reviewsData.length, AUTHORS);
    for (const review of reviewsData) {
      if (review.id === '13') assert.equal(review.author, null);
      else assert.deepEqual(review.author, { name: `user ${review.id}` });
    }
    assert.ok((body.errors?.length ?? 0) >= 1);
    assert.ok(maxInFlight <= 8, `max in flight: ${maxInFlight}`);
    assert.ok(maxInFlight > 1, 'the calls overlap');
  });
});
