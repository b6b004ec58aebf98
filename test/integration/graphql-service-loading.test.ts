import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../../subgraphs/lib/serve-graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import {
  ACCOUNTS_SDL,
  type Accounts,
  REVIEWS,
  startAccounts,
  startReviews,
} from './graphql-service.fixtures.ts';

// Reviews reference Membership as an entity: without a lookup, composition rightly fails.
const MEMBERSHIP_LOOKUP = { type: 'Membership', key: 'userId orgId', field: 'membership', argument: 'key' };
const AUTHORS = { '1': 'Ada', '2': 'Brian', '3': 'Chen' } as Record<string, string>;
const expectedAuthors = () => REVIEWS.map((r) => ({ id: r.id, author: { name: AUTHORS[r.authorId] } }));

/** Waits for `condition`, polling every 20 ms, at most `attempts` times. */
async function until(condition: () => boolean, attempts = 500): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

describe('loading a plain GraphQL service', () => {
  let accounts: Accounts | undefined;
  let reviews: RunningServer;
  let gateway: TestGateway | undefined;
  before(async () => {
    reviews = await startReviews();
  });
  after(async () => {
    await reviews?.close();
  });
  const stop = async () => {
    await gateway?.close();
    await accounts?.close();
    gateway = undefined;
    accounts = undefined;
  };

  it('without batch, calls the lookup once per distinct key', async () => {
    try {
      accounts = await startAccounts();
      gateway = await startTestGateway({
        subgraphs: [
          {
            name: 'accounts',
            kind: 'graphql',
            url: accounts.url,
            lookups: [{ type: 'User', field: 'user' }, MEMBERSHIP_LOOKUP],
          },
          { name: 'reviews', kind: 'federation', url: reviews.url },
        ],
      });
      accounts.resetRequests();
      const { body } = await gateway.query('{ reviews { id author { name } } }');
      assert.deepEqual(body, { data: { reviews: expectedAuthors() } });
      assert.equal(accounts.requests(), 3);
      assert.deepEqual([...accounts.calls.user].sort(), ['1', '2', '3']);
    } finally {
      await stop();
    }
  });

  it('reads the schema and its @lookup fields from schemaFile, without introspection', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-graphql-service-'));
    try {
      const sdl = ACCOUNTS_SDL.replace(
        'usersByIds(ids: [ID!]!): [User]!',
        'usersByIds(ids: [ID!]!): [User]! @lookup',
      ).replace(
        'membership(key: MembershipKey!): Membership',
        'membership(key: MembershipKey!): Membership @lookup(key: "userId orgId")',
      );
      const schemaFile = join(dir, 'accounts.graphql');
      await writeFile(schemaFile, sdl);
      accounts = await startAccounts();
      gateway = await startTestGateway({
        subgraphs: [
          { name: 'accounts', kind: 'graphql', url: accounts.url, schemaFile },
          { name: 'reviews', kind: 'federation', url: reviews.url },
        ],
      });
      assert.equal(accounts.requests(), 0);
      const { body } = await gateway.query('{ reviews { id author { name } membership { title } } }');
      assert.deepEqual(body, {
        data: {
          reviews: expectedAuthors().map((r, i) => ({
            ...r,
            membership: REVIEWS[i]?.authorId === '1' ? { title: 'CEO' } : null,
          })),
        },
      });
      assert.deepEqual(accounts.calls.usersByIds, [['2', '1', '3']]);
      assert.equal(accounts.requests(), 2);
    } finally {
      await stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serves the rest of the graph while the service is down, and joins it when it comes up', async () => {
    try {
      // A port nothing listens on, for the service to come up on later.
      const probe = await startAccounts();
      const { port, url } = probe;
      await probe.close();
      gateway = await startTestGateway({
        subgraphs: [
          {
            name: 'accounts',
            kind: 'graphql',
            url,
            lookups: [{ type: 'User', field: 'usersByIds', argument: 'ids', batch: true }, MEMBERSHIP_LOOKUP],
          },
          { name: 'reviews', kind: 'federation', url: reviews.url },
        ],
      });
      const down = gateway.supergraph.status();
      assert.equal(down.hasSchema, true);
      assert.equal(down.subgraphs.find((s) => s.name === 'accounts')?.loaded, false);
      const partial = await gateway.query('{ reviews { id } }');
      assert.deepEqual(partial.body, { data: { reviews: REVIEWS.map((r) => ({ id: r.id })) } });
      const accountsStatus = () => gateway!.supergraph.status().subgraphs.find((s) => s.name === 'accounts');
      assert.ok(await until(() => (accountsStatus()?.attempts ?? 0) >= 2), 'the gateway retries');

      accounts = await startAccounts(port);
      assert.ok(await until(() => accountsStatus()?.loaded === true), JSON.stringify(accountsStatus()));
      const { body } = await gateway.query('{ reviews { id author { name } } }');
      assert.deepEqual(body, { data: { reviews: expectedAuthors() } });
    } finally {
      await stop();
    }
  });

  it('does not load a service whose lookups do not match its schema, and serves the rest', async () => {
    try {
      accounts = await startAccounts();
      gateway = await startTestGateway({
        subgraphs: [
          {
            name: 'accounts',
            kind: 'graphql',
            url: accounts.url,
            lookups: [{ type: 'User', field: 'usersByIds', argument: 'userIds', batch: true }],
          },
          { name: 'reviews', kind: 'federation', url: reviews.url },
        ],
      });
      const status = gateway.supergraph.status().subgraphs.find((s) => s.name === 'accounts');
      assert.equal(status?.loaded, false);
      assert.ok(status?.error?.includes('lookups[0]'), status?.error);
      const { body } = await gateway.query('{ reviews { id } }');
      assert.equal(body.errors, undefined);
    } finally {
      await stop();
    }
  });
});
