import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../../subgraphs/lib/serve-graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { type Accounts, REVIEWS, startAccounts, startReviews } from './graphql-service.fixtures.ts';

const NOW = '2024-05-01T12:00:00.000Z';

describe('a plain GraphQL service behind the gateway', () => {
  let accounts: Accounts;
  let reviews: RunningServer;
  let gateway: TestGateway;
  before(async () => {
    accounts = await startAccounts();
    reviews = await startReviews();
    gateway = await startTestGateway({
      subgraphs: [
        {
          name: 'accounts',
          kind: 'graphql',
          url: accounts.url,
          lookups: [
            { type: 'User', field: 'usersByIds', argument: 'ids', batch: true },
            { type: 'Membership', key: 'userId orgId', field: 'membership', argument: 'key' },
          ],
        },
        { name: 'reviews', kind: 'federation', url: reviews.url },
      ],
    });
  });
  after(async () => {
    await gateway?.close();
    await accounts?.close();
    await reviews?.close();
  });

  it('composes with the federation subgraph', () => {
    const status = gateway.supergraph.status();
    assert.equal(status.ready, true, JSON.stringify(status));
    assert.deepEqual(
      status.subgraphs.map((s) => [s.name, s.loaded]),
      [
        ['accounts', true],
        ['reviews', true],
      ],
    );
  });

  it('passes root fields through: arguments, variables, aliases, fragments, enums, scalars, abstract types', async () => {
    const { status, body } = await gateway.query(
      /* GraphQL */ `
        query Root($id: ID!, $filter: UserFilter, $term: String!) {
          a: user(id: $id) { ...UserFields org { name } }
          b: user(id: "3") { name }
          users(filter: $filter, first: 5) { nodes { id role } pageInfo { hasNextPage } }
          node(id: "o1") { __typename id ... on Org { name } }
          search(term: $term) { __typename ... on User { name } ... on Org { orgName: name } }
          now
          membership(key: { userId: "1", orgId: "o1" }) { title }
        }
        fragment UserFields on User { id name role createdAt }
      `,
      { id: '1', filter: { role: 'MEMBER' }, term: 'A' },
    );
    assert.equal(status, 200);
    assert.deepEqual(body, {
      data: {
        a: { id: '1', name: 'Ada', role: 'ADMIN', createdAt: NOW, org: { name: 'Acme' } },
        b: { name: 'Chen' },
        users: {
          nodes: [
            { id: '2', role: 'MEMBER' },
            { id: '3', role: 'MEMBER' },
          ],
          pageInfo: { hasNextPage: false },
        },
        node: { __typename: 'Org', id: 'o1', name: 'Acme' },
        search: [
          { __typename: 'User', name: 'Ada' },
          { __typename: 'Org', orgName: 'Acme' },
        ],
        now: NOW,
        membership: { title: 'CEO' },
      },
    });
  });

  it('runs mutations on the service', async () => {
    try {
      const { body } = await gateway.query(
        'mutation ($name: String!) { rename(id: "3", name: $name) { id name } }',
        {
          name: 'Chen Li',
        },
      );
      assert.deepEqual(body, { data: { rename: { id: '3', name: 'Chen Li' } } });
      const after = await gateway.query('{ user(id: "3") { name } }');
      assert.deepEqual(after.body, { data: { user: { name: 'Chen Li' } } });
    } finally {
      await gateway.query('mutation { rename(id: "3", name: "Chen") { id } }');
    }
  });

  it('keeps descriptions, deprecations and custom scalars; drops subscriptions and custom directives', async () => {
    const { body } = await gateway.query(/* GraphQL */ `
      {
        user: __type(name: "User") {
          description
          fields(includeDeprecated: true) { name isDeprecated deprecationReason }
        }
        scalar: __type(name: "DateTime") { kind description }
        __schema { subscriptionType { name } directives { name } }
      }
    `);
    const data = body.data as {
      user: {
        description: string;
        fields: Array<{ name: string; isDeprecated: boolean; deprecationReason: string }>;
      };
      scalar: { kind: string; description: string };
      __schema: { subscriptionType: null; directives: Array<{ name: string }> };
    };
    assert.equal(data.user.description, 'A person with an account.');
    const username = data.user.fields.find((f) => f.name === 'username');
    assert.deepEqual(username, { name: 'username', isDeprecated: true, deprecationReason: 'use name' });
    // The entity gets the reviews subgraph's field too.
    assert.ok(data.user.fields.some((f) => f.name === 'reviews'));
    assert.deepEqual(data.scalar, { kind: 'SCALAR', description: 'An ISO-8601 date and time.' });
    assert.equal(data.__schema.subscriptionType, null);
    const directives = data.__schema.directives.map((d) => d.name);
    assert.ok(!directives.includes('internal') && !directives.includes('lookup'), directives.join(', '));
  });

  it("joins the service's entities into another subgraph with ONE batched lookup call", async () => {
    accounts.resetRequests();
    accounts.calls.usersByIds.length = 0;
    const { body } = await gateway.query('{ reviews { id author { name role } } }');
    assert.deepEqual(body, {
      data: {
        reviews: REVIEWS.map((r) => ({
          id: r.id,
          author: {
            name: { '1': 'Ada', '2': 'Brian', '3': 'Chen' }[r.authorId],
            role: r.authorId === '1' ? 'ADMIN' : 'MEMBER',
          },
        })),
      },
    });
    assert.equal(accounts.requests(), 1);
    assert.deepEqual(accounts.calls.usersByIds, [['2', '1', '3']]);
  });

  it("adds the other subgraph's fields to the service's types", async () => {
    const { body } = await gateway.query(
      '{ users(first: 2) { nodes { name reviews { body } } pageInfo { hasNextPage } } }',
    );
    assert.deepEqual(body, {
      data: {
        users: {
          nodes: [
            { name: 'Ada', reviews: [{ body: 'fine' }, { body: 'again' }] },
            { name: 'Brian', reviews: [{ body: 'great' }, { body: 'meh' }] },
          ],
          pageInfo: { hasNextPage: true },
        },
      },
    });
  });

  it('resolves a compound key through an input object argument', async () => {
    accounts.calls.membership.length = 0;
    const { body } = await gateway.query('{ reviews { id membership { userId title } } }');
    assert.deepEqual(
      (body.data as { reviews: unknown[] }).reviews,
      REVIEWS.map((r) => ({
        id: r.id,
        membership: r.authorId === '1' ? { userId: '1', title: 'CEO' } : null,
      })),
    );
    assert.deepEqual(accounts.calls.membership, [{ userId: '1', orgId: 'o1' }]);
  });

  it('shares a value type with another subgraph', async () => {
    const { body } = await gateway.query(
      '{ reviewPage { pageInfo { hasNextPage } } users { pageInfo { hasNextPage } } }',
    );
    assert.deepEqual(body, {
      data: { reviewPage: { pageInfo: { hasNextPage: true } }, users: { pageInfo: { hasNextPage: false } } },
    });
  });

  it("passes the service's errors through at the client's path, on root fields", async () => {
    const { body } = await gateway.query('query ($id: ID!) { b: user(id: $id) { name secret } }', {
      id: '2',
    });
    assert.deepEqual(body.data, { b: { name: 'Brian', secret: null } });
    assert.equal(body.errors?.length, 1);
    assert.deepEqual(body.errors?.[0]?.path, ['b', 'secret']);
    assert.equal(body.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal(body.errors?.[0]?.extensions?.serviceName, 'accounts');
  });

  it("passes the service's errors through at the client's path, on joined entities", async () => {
    const { body } = await gateway.query('{ reviews { id author { name secret } } }');
    const reviews = (body.data as { reviews: Array<{ author: { secret: string | null } }> }).reviews;
    assert.deepEqual(
      reviews.map((r) => r.author.secret),
      REVIEWS.map((r) => (r.authorId === '2' ? null : `secret-${r.authorId}`)),
    );
    assert.ok((body.errors?.length ?? 0) > 0);
    for (const error of body.errors ?? []) {
      const [, index, ...rest] = error.path ?? [];
      assert.deepEqual(rest, ['author', 'secret']);
      assert.equal(REVIEWS[index as number]?.authorId, '2', `error at ${error.path?.join('.')}`);
      assert.equal(error.extensions?.serviceName, 'accounts');
    }
  });
});
