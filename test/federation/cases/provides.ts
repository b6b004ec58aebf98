/**
 * `@provides` and `@external`: a subgraph that provides an external field on a path answers it
 * itself, and the owning subgraph is not called for it; off that path, the owner is.
 */

import type { ConformanceGraph } from '../conformance.ts';
import { apolloSubgraph, fed2 } from '../harness.ts';

type Ref = Record<string, unknown>;

const subgraphs = () => ({
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
        __resolveReference: (ref: Ref) => ({ id: ref.id, username: ref.id === 'u1' ? 'ada' : 'grace' }),
      },
    },
  ),
});

export const provides: readonly ConformanceGraph[] = [
  {
    feature: '@provides and @external',
    subgraphs,
    cases: [
      {
        name: 'answers a provided field from the providing subgraph, without calling the owner',
        query: '{ reviews { body author { id username } } }',
        expected: {
          data: { reviews: [{ body: 'Nice', author: { id: 'u1', username: 'ada-from-reviews' } }] },
        },
        requests: { accounts: 0 },
      },
      {
        name: 'fetches the same external field from its owner on a path that does not provide it',
        query: '{ reviews { author { username } editor { id username } } }',
        expected: {
          data: {
            reviews: [{ author: { username: 'ada-from-reviews' }, editor: { id: 'u2', username: 'grace' } }],
          },
        },
        requests: { accounts: 1 },
      },
    ],
  },
];
