/**
 * `@key`: single, compound, several keys on one type, a nested key, and `resolvable: false`.
 * Reference resolvers reject a representation missing a key field, so a planner sending an
 * incomplete one shows as a wrong answer.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { apolloSubgraph, fed2, forEachEngine } from './harness.ts';

type Ref = Record<string, unknown>;

describe('@key', () => {
  forEachEngine(({ it, start }) => {
    it('joins an entity by a single key', async () => {
      await using fed = await start({
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
      });
      const { body } = await fed.query('{ product(upc: "abc") { upc name stock } }');
      assert.deepEqual(body, { data: { product: { upc: 'abc', name: 'P-abc', stock: 3 } } });
    });

    it('sends every field of a compound key (@key(fields: "id org"))', async () => {
      await using fed = await start({
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
      });
      const { body } = await fed.query('{ items { title price } }');
      assert.deepEqual(body, {
        data: {
          items: [
            { title: 'Anvil', price: 'acme:1' },
            { title: 'Globe', price: 'globex:1' },
          ],
        },
      });
    });

    it('uses whichever of several keys the next subgraph knows the entity by', async () => {
      const accounts = [{ id: 'u1', email: 'ada@example.com', name: 'Ada' }];
      await using fed = await start({
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
      });
      const { body } = await fed.query('{ topReviewer { id name plan } }');
      assert.deepEqual(body, { data: { topReviewer: { id: 'u1', name: 'Ada', plan: 'pro' } } });
    });

    it('sends a nested key (@key(fields: "id owner { id }"))', async () => {
      await using fed = await start({
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
      });
      const { body } = await fed.query('{ accounts { label owner { id } balance } }');
      assert.deepEqual(body, {
        data: {
          accounts: [
            { label: 'main', owner: { id: 'u1' }, balance: 100 },
            { label: 'joint', owner: { id: 'u2' }, balance: 250 },
          ],
        },
      });
    });

    it('never asks a subgraph for an entity it declares with resolvable: false', async () => {
      let reviewEntityCalls = 0;
      await using fed = await start({
        reviews: apolloSubgraph(
          `${fed2('@key')}
        type Query { reviews: [Review!]! }
        type Review { body: String! author: User! }
        type User @key(fields: "id", resolvable: false) { id: ID! }`,
          {
            Query: { reviews: () => [{ body: 'Great', author: { id: 'u2' } }] },
            User: {
              __resolveReference: (ref: Ref) => {
                reviewEntityCalls++;
                return ref;
              },
            },
          },
        ),
        accounts: apolloSubgraph(
          `${fed2('@key')}
        type User @key(fields: "id") { id: ID! name: String! }`,
          { User: { __resolveReference: (ref: Ref) => ({ id: ref.id, name: `name-${ref.id}` }) } },
        ),
      });
      const { body } = await fed.query('{ reviews { body author { id name } } }');
      assert.deepEqual(body, {
        data: { reviews: [{ body: 'Great', author: { id: 'u2', name: 'name-u2' } }] },
      });
      assert.equal(reviewEntityCalls, 0);
      assert.equal(fed.servers.reviews!.requests(), 1);
    });
  });
});
