/**
 * `@provides` and `@external`: a subgraph that provides an external field on a path answers it
 * itself, and the owning subgraph is not called for it; off that path, the owner is.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { apolloSubgraph, fed2, forEachEngine } from './harness.ts';

type Ref = Record<string, unknown>;

const cases = () => {
  const calls = { accounts: 0 };
  return {
    calls,
    subgraphs: {
      reviews: apolloSubgraph(
        `${fed2('@key', '@external', '@provides')}
        type Query { reviews: [Review!]! }
        type Review { body: String! author: User! @provides(fields: "username") editor: User! }
        type User @key(fields: "id") { id: ID! username: String! @external }`,
        {
          Query: {
            reviews: () => [
              // The provided username differs from the owner's, to show which subgraph answered.
              { body: 'Nice', author: { id: 'u1', username: 'ada-from-reviews' }, editor: { id: 'u2' } },
            ],
          },
        },
      ),
      accounts: apolloSubgraph(
        `${fed2('@key', '@shareable')}
        type User @key(fields: "id") { id: ID! username: String! @shareable }`,
        {
          User: {
            __resolveReference: (ref: Ref) => {
              calls.accounts++;
              return { id: ref.id, username: ref.id === 'u1' ? 'ada' : 'grace' };
            },
          },
        },
      ),
    },
  };
};

describe('@provides and @external', () => {
  forEachEngine(({ it, start }) => {
    it('answers a provided field from the providing subgraph, without calling the owner', async () => {
      const { calls, subgraphs } = cases();
      await using fed = await start(subgraphs);
      const { body } = await fed.query('{ reviews { body author { id username } } }');
      assert.deepEqual(body, {
        data: { reviews: [{ body: 'Nice', author: { id: 'u1', username: 'ada-from-reviews' } }] },
      });
      assert.equal(calls.accounts, 0);
      assert.equal(fed.servers.accounts!.requests(), 0);
    });

    it('fetches the same external field from its owner on a path that does not provide it', async () => {
      const { calls, subgraphs } = cases();
      await using fed = await start(subgraphs);
      const { body } = await fed.query('{ reviews { author { username } editor { id username } } }');
      assert.deepEqual(body, {
        data: {
          reviews: [{ author: { username: 'ada-from-reviews' }, editor: { id: 'u2', username: 'grace' } }],
        },
      });
      assert.equal(calls.accounts, 1);
    });
  });
});
