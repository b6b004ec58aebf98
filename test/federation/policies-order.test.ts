/**
 * Field policies keep the answer's keys in the order the client selected them (the GraphQL spec's
 * CollectFields order), on both engines: a refused field the engine never fetched is put back where
 * it was selected, through fragments, aliases, `@skip`, abstract types and `@defer`.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { multipartParts } from '../helpers/multipart.ts';
import { type PolicyCase, startPolicyCase } from '../helpers/policies.ts';
import { type ApolloResolvers, apolloSubgraph, ENGINES } from './harness.ts';

const sdl = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@authenticated"])
  type Query {
    me: User @authenticated
    publicInfo: String
    user: User
    staff: [User]
    items: [Item!]!
  }
  type User @key(fields: "id") { id: ID! name: String email: String @authenticated }
  interface Item { id: ID! name: String secret: String }
  type A implements Item { id: ID! name: String secret: String @authenticated }
  type B implements Item { id: ID! name: String secret: String }
`;
const people = [
  { id: 'u1', name: 'Ada', email: 'ada@example.com' },
  { id: 'u2', name: 'Bob', email: 'bob@example.com' },
];
const resolvers = {
  Query: {
    me: () => people[0],
    publicInfo: () => 'hello',
    user: () => people[0],
    staff: () => people,
    items: () => [
      { __typename: 'A', id: 'a1', name: 'one', secret: 'sa' },
      { __typename: 'B', id: 'b1', name: 'two', secret: 'sb' },
    ],
  },
  Item: { __resolveType: (item: { __typename: string }) => item.__typename },
  User: { __resolveReference: (ref: { id: string }) => people.find((p) => p.id === ref.id) },
} as unknown as ApolloResolvers;

/** The answer as JSON text: its keys' order shows. */
const text = (value: unknown) => JSON.stringify(value);

for (const engine of ENGINES) {
  describe(`field policies keep the selection's key order (engine: ${engine})`, () => {
    let running: Promise<PolicyCase> | undefined;
    const on = () => (running ??= startPolicyCase({ users: apolloSubgraph(sdl, resolvers) }, { engine }));
    after(async () => {
      await (await running)?.[Symbol.asyncDispose]();
    });

    it('a refused root field stays where it was selected', async () => {
      const { gateway } = await on();
      const first = await gateway.query('{ me { id } publicInfo }');
      assert.equal(text(first.body.data), text({ me: null, publicInfo: 'hello' }));
      const middle = await gateway.query('{ user { id } me { id } staff { id } }');
      assert.equal(
        text(middle.body.data),
        text({ user: { id: 'u1' }, me: null, staff: [{ id: 'u1' }, { id: 'u2' }] }),
      );
    });

    it('through fragments and aliases, in every list item', async () => {
      const { gateway } = await on();
      const { body } = await gateway.query(
        '{ user { mail: email ...F id } staff { ...F id } } fragment F on User { name e: email }',
      );
      const person = (name: string, id: string) => ({ name, e: null, id });
      assert.equal(
        text(body.data),
        text({
          user: { mail: null, name: 'Ada', e: null, id: 'u1' },
          staff: [person('Ada', 'u1'), person('Bob', 'u2')],
        }),
      );
      // The first selection of a key places it, inline fragments included.
      const again = await gateway.query('{ user { ... on User { email } id email name } }');
      assert.equal(text(again.body.data), text({ user: { email: null, id: 'u1', name: 'Ada' } }));
    });

    it('a skipped selection does not place its key', async () => {
      const { gateway } = await on();
      const query = 'query ($s: Boolean!) { user { email @skip(if: $s) id email } }';
      const skipped = await gateway.query(query, { s: true });
      assert.equal(text(skipped.body.data), text({ user: { id: 'u1', email: null } }));
      const kept = await gateway.query(query, { s: false });
      assert.equal(text(kept.body.data), text({ user: { email: null, id: 'u1' } }));
    });

    it('on an abstract type, in the order of each object type', async () => {
      const { gateway } = await on();
      const { body } = await gateway.query(
        '{ items { __typename ... on B { name } id secret ... on A { name } } }',
      );
      assert.equal(
        text(body.data),
        text({
          items: [
            { __typename: 'A', id: 'a1', secret: null, name: 'one' },
            { __typename: 'B', name: 'two', id: 'b1', secret: 'sb' },
          ],
        }),
      );
    });

    it('@defer: within the payload that carries the refused field', async () => {
      const { gateway } = await on();
      const response = await gateway.yoga.fetch('http://gateway/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
        body: JSON.stringify({ query: '{ user { id ... @defer { email name } } }' }),
      });
      // The keys of `user`, payload after payload (the stitching engine answers all in one).
      const keys: string[] = [];
      for await (const part of multipartParts(response)) {
        const user = (part.data as { user?: object } | undefined)?.user;
        if (user) keys.push(...Object.keys(user));
        for (const entry of (part.incremental ?? []) as Array<{ path: unknown; data: object }>)
          if (text(entry.path) === text(['user'])) keys.push(...Object.keys(entry.data));
      }
      assert.deepEqual(keys, ['id', 'email', 'name']);
    });
  });
}
