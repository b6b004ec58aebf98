import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { ExecutionResult } from '@graphql-tools/utils';
import { parse, print } from 'graphql';
import type { z } from 'zod';
import { GatehouseError } from '../../core/errors.ts';
import { graphqlSubgraphSchema, upstreamSchema } from '../../gateway/config/index.ts';
import { createUpstreamClient, type UpstreamClient } from '../../gateway/http/index.ts';
import { createLoadContext, dedupRequests } from '../../gateway/upstream/index.ts';
import { graphqlServiceLoader } from '../../schema/graphql-service/index.ts';
import type { SubgraphDefinition } from '../../schema/types.ts';
import { serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { type Accounts, startAccounts } from '../integration/graphql-service.fixtures.ts';

const ENTITIES = parse(
  'query ($r: [_Any!]!) { _entities(representations: $r) { __typename ... on User { id name secret } } }',
);
const users = (...ids: string[]) => ids.map((id) => ({ __typename: 'User', id }));

/** Execution results have null-prototype objects; compare them as JSON. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
type Errors = NonNullable<ExecutionResult['errors']>;
const summary = (errors: Errors | undefined) =>
  (errors ?? []).map((e) => [e.path?.join('.'), e.extensions?.code, e.extensions?.serviceName]);

describe('graphql-service executor', () => {
  let accounts: Accounts;
  let client: UpstreamClient;
  const load = (config: Partial<z.input<typeof graphqlSubgraphSchema>>): Promise<SubgraphDefinition> =>
    graphqlServiceLoader(
      graphqlSubgraphSchema.parse({ name: 'accounts', url: accounts.url, ...config, kind: 'graphql' }),
    )(createLoadContext(client));
  const batch = { type: 'User', field: 'usersByIds', argument: 'ids', batch: true };

  before(async () => {
    accounts = await startAccounts();
    client = createUpstreamClient(upstreamSchema.parse({}));
  });
  after(async () => {
    await client?.close();
    await accounts?.close();
  });

  it('resolves a batch of representations with one call, in order, errors at each representation', async () => {
    const { executor } = await load({ lookups: [batch] });
    accounts.resetRequests();
    accounts.calls.usersByIds.length = 0;
    const result = await executor({
      document: ENTITIES,
      variables: { r: users('2', '999', '1', '2') },
      context: {},
    });
    assert.deepEqual(plain(result.data), {
      _entities: [
        { __typename: 'User', id: '2', name: 'Brian', secret: null },
        null,
        { __typename: 'User', id: '1', name: 'Ada', secret: 'secret-1' },
        { __typename: 'User', id: '2', name: 'Brian', secret: null },
      ],
    });
    assert.deepEqual(summary(result.errors), [
      ['_entities.0.secret', 'FORBIDDEN', 'accounts'],
      ['_entities.3.secret', 'FORBIDDEN', 'accounts'],
    ]);
    assert.equal(accounts.requests(), 1);
    assert.deepEqual(accounts.calls.usersByIds, [['2', '999', '1']]);
  });

  it('without batch, calls the lookup once per distinct key', async () => {
    const { executor } = await load({ lookups: [{ type: 'User', field: 'user' }] });
    accounts.resetRequests();
    accounts.calls.user.length = 0;
    const result = await executor({
      document: ENTITIES,
      variables: { r: users('2', '1', '2') },
      context: {},
    });
    assert.deepEqual(
      (result.data as { _entities: Array<{ name: string }> })._entities.map((u) => u.name),
      ['Brian', 'Ada', 'Brian'],
    );
    assert.equal(accounts.requests(), 2);
    assert.deepEqual([...accounts.calls.user].sort(), ['1', '2']);
  });

  it('answers a representation it cannot resolve with an error at its index only', async () => {
    const { executor } = await load({ lookups: [batch] });
    const result = await executor({
      document: ENTITIES,
      variables: {
        r: [{ __typename: 'User', id: '1' }, { __typename: 'Org', id: 'o1' }, { __typename: 'User' }],
      },
      context: {},
    });
    assert.equal((result.data as { _entities: unknown[] })._entities.length, 3);
    assert.deepEqual(summary(result.errors), [
      ['_entities.1', 'SUBGRAPH_ERROR', 'accounts'],
      ['_entities.2', 'SUBGRAPH_ERROR', 'accounts'],
    ]);
  });

  it('sends each lookup only the part of the selection that applies to its type, fragments included', async () => {
    const { executor } = await load({
      lookups: [batch, { type: 'Membership', key: 'userId orgId', field: 'membership', argument: 'key' }],
    });
    const result = await executor({
      document: parse(`
        query ($r: [_Any!]!) { _entities(representations: $r) { ...E ... on Membership { title } } }
        fragment E on _Entity { __typename ...U }
        fragment U on User { nick: name }
      `),
      variables: {
        r: [
          { __typename: 'User', id: '1' },
          { __typename: 'Membership', userId: '1', orgId: 'o1' },
        ],
      },
      context: {},
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    assert.deepEqual(plain(result.data), {
      _entities: [
        { __typename: 'User', nick: 'Ada' },
        { __typename: 'Membership', title: 'CEO' },
      ],
    });
  });

  it('answers _service with the generated federation SDL', async () => {
    const { executor, typeDefs } = await load({ lookups: [batch] });
    const result = await executor({ document: parse('{ _service { sdl } }') });
    const sdl = (result.data as { _service: { sdl: string } })._service.sdl;
    assert.equal(print(parse(sdl)), print(typeDefs));
  });

  it('under the subgraph pipeline, identical calls in flight are sent once (shared across operations by default)', async () => {
    const bare = (await load({})).executor;
    const document = parse('{ user(id: "1") { name } }');
    const sharing = dedupRequests('accounts')(bare);
    accounts.resetRequests();
    await Promise.all([sharing({ document, context: {} }), sharing({ document, context: {} })]);
    assert.equal(accounts.requests(), 1);
    const executor = dedupRequests('accounts', 'operation')(bare);
    const shared = {};
    accounts.resetRequests();
    await Promise.all([executor({ document, context: shared }), executor({ document, context: shared })]);
    assert.equal(accounts.requests(), 1);
    accounts.resetRequests();
    await Promise.all([executor({ document, context: {} }), executor({ document, context: {} })]);
    assert.equal(accounts.requests(), 2);
  });

  it('rejects a batch answer that does not have one entry per key', async () => {
    const short = await serveGraphQL({
      schema: makeExecutableSchema({
        typeDefs: 'type User { id: ID! name: String } type Query { usersByIds(ids: [ID!]!): [User]! }',
        resolvers: {
          Query: {
            usersByIds: (_: unknown, { ids }: { ids: string[] }) => ids.slice(1).map((id) => ({ id })),
          },
        },
      }),
    });
    try {
      const definition = await graphqlServiceLoader(
        graphqlSubgraphSchema.parse({ kind: 'graphql', name: 'short', url: short.url, lookups: [batch] }),
      )(createLoadContext(client));
      const result = await definition.executor({
        document: parse('query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { name } } }'),
        variables: { r: users('1', '2') },
      });
      assert.deepEqual(plain(result.data), { _entities: [null, null] });
      assert.deepEqual(summary(result.errors), [
        ['_entities.0', 'SUBGRAPH_BAD_RESPONSE', 'short'],
        ['_entities.1', 'SUBGRAPH_BAD_RESPONSE', 'short'],
      ]);
    } finally {
      await short.close();
    }
  });

  it('never throws: a service that went away comes back as errors with a code and the service name', async () => {
    const gone = await startAccounts();
    const definition = await graphqlServiceLoader(
      graphqlSubgraphSchema.parse({ kind: 'graphql', name: 'gone', url: gone.url, lookups: [batch] }),
    )(createLoadContext(client));
    await gone.close();
    const root = await definition.executor({ document: parse('{ user(id: "1") { name } }'), context: {} });
    assert.deepEqual(plain(root.data), { user: null });
    assert.deepEqual(summary(root.errors), [['user', 'SUBGRAPH_UNAVAILABLE', 'gone']]);
    const entities = await definition.executor({
      document: ENTITIES,
      variables: { r: users('1', '2') },
      context: {},
    });
    assert.deepEqual(plain(entities.data), { _entities: [null, null] });
    assert.deepEqual(summary(entities.errors), [
      ['_entities.0', 'SUBGRAPH_UNAVAILABLE', 'gone'],
      ['_entities.1', 'SUBGRAPH_UNAVAILABLE', 'gone'],
    ]);
  });

  it('fails the load with SUBGRAPH_LOAD_FAILED when the service cannot be introspected or a lookup does not fit', async () => {
    const gone = await startAccounts();
    const url = gone.url;
    await gone.close();
    const isLoadFailure = (error: unknown) =>
      error instanceof GatehouseError && error.code === 'SUBGRAPH_LOAD_FAILED';
    await assert.rejects(
      graphqlServiceLoader(graphqlSubgraphSchema.parse({ kind: 'graphql', name: 'gone', url }))(
        createLoadContext(client),
      ),
      isLoadFailure,
    );
    await assert.rejects(load({ lookups: [{ ...batch, field: 'usersById' }] }), isLoadFailure);
  });
});
