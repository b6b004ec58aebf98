/**
 * Field rate limits declared in the config (`subgraphs[].rateLimits`) for a plain GraphQL
 * service; limits that cannot be enforced stop the start with CONFIG_INVALID naming where; and
 * field limits kept in a real Redis, shared by two gateways, admit exactly the limit between them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { parse } from 'graphql';
import { composeSubgraphs } from '../../schema/compose.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { apolloSubgraph } from '../federation/harness.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { startPolicyCase } from '../helpers/policies.ts';
import { type RedisServer, redisMissing, startRedis } from '../helpers/redis-server.ts';

const hrSchema = makeExecutableSchema({
  typeDefs:
    'type Query { motd: String report: String staff: [Person!] } type Person { id: ID! name: String }',
  resolvers: {
    Query: {
      motd: () => 'welcome',
      report: () => 'quarterly',
      staff: () => [
        { id: '1', name: 'Ada' },
        { id: '2', name: 'Bob' },
      ],
    },
  },
});

let hr: RunningServer;
before(async () => {
  hr = await serveGraphQL({ schema: hrSchema });
});
after(async () => {
  await hr?.close();
});

type Body = Awaited<ReturnType<TestGateway['query']>>['body'];
const codes = (body: Body) => (body.errors ?? []).map((e) => [e.path, e.extensions?.code]);

describe('field limits from the config (subgraphs[].rateLimits)', () => {
  it('a plain GraphQL service: the limited field is null with RATE_LIMITED, the rest served', async () => {
    await using running = await startPolicyCase(
      {},
      {
        subgraphs: [
          {
            kind: 'graphql',
            name: 'hr',
            url: hr.url,
            rateLimits: {
              'Query.report': { limit: 1, window: '1m', by: 'global', cost: 1 },
              'Person.name': { limit: 3, window: '1m', by: ['global'] },
            },
          },
        ],
      },
    );
    const { gateway } = running;
    assert.deepEqual((await gateway.query('{ motd report }')).body, {
      data: { motd: 'welcome', report: 'quarterly' },
    });
    const spent = await gateway.query('{ motd report }');
    assert.deepEqual(spent.body.data, { motd: 'welcome', report: null });
    assert.deepEqual(codes(spent.body), [[['report'], 'RATE_LIMITED']]);
    // Three operations selecting the names of every person: the list counts once per operation.
    for (let i = 0; i < 3; i++)
      assert.equal((await gateway.query('{ staff { name } }')).body.errors, undefined);
    const fourth = await gateway.query('{ staff { id name } }');
    assert.deepEqual(fourth.body.data, {
      staff: [
        { id: '1', name: null },
        { id: '2', name: null },
      ],
    });
  });
});

describe('field limits that cannot be enforced stop the start', () => {
  it('a config coordinate the schema does not have, naming it', async () => {
    await assert.rejects(
      startPolicyCase(
        {},
        {
          subgraphs: [
            {
              kind: 'graphql',
              name: 'hr',
              url: hr.url,
              rateLimits: { 'Person.nope': { limit: 1, window: '1m' } },
            },
          ],
        },
      ),
      (error: Error & { code?: string; problems?: string[] }) => {
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.match(
          (error.problems ?? [error.message]).join('\n'),
          /subgraphs\[hr\]\.rateLimits\["Person\.nope"\]/,
        );
        return true;
      },
    );
  });

  it('a config value of the wrong shape is refused by the config schema, naming its path', async () => {
    for (const [limit, pattern] of [
      [{ limit: 0, window: '1m' }, /limit/],
      [{ limit: 1, window: 'soon' }, /window/],
      [{ limit: 1, window: '1m', by: 'everyone' }, /unknown identity source "everyone"/],
    ] as const) {
      await assert.rejects(
        startTestGateway({
          subgraphs: [
            { kind: 'graphql', name: 'hr', url: hr.url, rateLimits: { 'Query.motd': limit as never } },
          ],
        }),
        (error: Error) => {
          assert.match(error.message, /rateLimits/);
          assert.match(error.message, pattern);
          return true;
        },
      );
    }
  });

  it('an @rateLimit of the wrong shape in a subgraph, naming the coordinate and the argument', async () => {
    const sdl = `extend schema
      @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@composeDirective"])
      @link(url: "https://gatehouse.dev/rateLimit/v0.1", import: ["@rateLimit"])
      @composeDirective(name: "@rateLimit")
    directive @rateLimit(limit: Int!, window: String!, by: [String!], cost: Int) on FIELD_DEFINITION
    type Query { hello: String @rateLimit(limit: 5, window: "soon") }`;
    await assert.rejects(
      startPolicyCase({ hello: apolloSubgraph(sdl, { Query: { hello: () => 'hi' } }) }, {}),
      (error: Error & { code?: string; problems?: string[] }) => {
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.match((error.problems ?? [error.message]).join('\n'), /Query\.hello: @rateLimit\(window:\)/);
        return true;
      },
    );
  });
});

describe('a subgraph that links @rateLimit without composing it', () => {
  it('is a composition problem naming the subgraph and the fix, never served unlimited', () => {
    const sdl = `extend schema
      @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
      @link(url: "https://gatehouse.dev/rateLimit/v0.1", import: ["@rateLimit"])
    directive @rateLimit(limit: Int!, window: String!, by: [String!], cost: Int) on FIELD_DEFINITION
    type Query { hello: String @rateLimit(limit: 1, window: "1m") }`;
    const result = composeSubgraphs([
      { name: 'hello', typeDefs: parse(sdl), url: 'http://127.0.0.1:9/graphql' },
    ]);
    assert.equal(result.supergraphSdl, undefined);
    assert.equal(result.problems?.[0]?.code, 'GATEWAY_DIRECTIVE_NOT_COMPOSED');
    assert.match(
      result.problems?.[0]?.message ?? '',
      /subgraph "hello" .*@composeDirective\(name: "@rateLimit"\)/,
    );
    const composed = composeSubgraphs([
      {
        name: 'hello',
        typeDefs: parse(
          sdl.replace('import: ["@key"]', 'import: ["@key", "@composeDirective"]') +
            ' extend schema @composeDirective(name: "@rateLimit")',
        ),
        url: 'http://127.0.0.1:9/graphql',
      },
    ]);
    assert.match(composed.supergraphSdl ?? '', /@rateLimit\(limit: 1/);
  });
});

describe('field limits in Redis: two gateways share the counters', { skip: redisMissing }, () => {
  let redis: RedisServer;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
  });

  it('200 concurrent operations split between them: exactly 50 get the field', async () => {
    const config = {
      subgraphs: [
        {
          kind: 'graphql' as const,
          name: 'hr',
          url: hr.url,
          rateLimits: { 'Query.report': { limit: 50, window: '1h', by: 'global' as const } },
        },
      ],
      redis: { url: redis.url, keyPrefix: 'fields:' },
      rateLimit: { store: 'redis' as const, storeTimeout: '2s' },
    };
    const gateways = [await startTestGateway(config), await startTestGateway(config)];
    try {
      const bodies = await Promise.all(
        Array.from({ length: 200 }, async (_, i) => (await gateways[i % 2]!.query('{ motd report }')).body),
      );
      const served = bodies.filter((b) => (b.data as { report: string | null }).report === 'quarterly');
      const refused = bodies.filter((b) => b.errors?.[0]?.extensions?.code === 'RATE_LIMITED');
      assert.equal(served.length, 50);
      assert.equal(refused.length, 150);
      assert.ok(bodies.every((b) => (b.data as { motd: string }).motd === 'welcome'));
    } finally {
      for (const gateway of gateways) await gateway.close();
    }
  });
});
