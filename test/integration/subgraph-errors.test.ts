/**
 * `subgraphErrors`: what clients see of the errors a subgraph returns. A real federation subgraph
 * on loopback fails with a message naming a database URL and extensions only its operators
 * should see (`internalHost`, `exception`, `stacktrace`).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLError } from 'graphql';
import type { GatehouseConfigInput } from '../../gateway/config/index.ts';
import { checkConfig } from '../../gateway/config/index.ts';
import { buildSubgraphSchema } from '../../schema/federation/build-subgraph-schema.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { startRestServer } from '../fixtures/rest/rest-server.ts';
import { shopApi } from '../fixtures/rest/shop-api.ts';
import { writeBrokenSdl } from '../helpers/fault-graph.ts';
import { startFaultServer } from '../helpers/fault-servers.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const SECRET = 'connect ECONNREFUSED postgres://app:hunter2@db.internal:5432/orders';
const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

describe('subgraphErrors', () => {
  let orders: RunningServer;
  let stock: RunningServer;
  const failing = (code: string) => () => {
    throw new GraphQLError(SECRET, {
      extensions: {
        code,
        internalHost: 'db.internal',
        exception: { stacktrace: ['Error: at db.ts:1'] },
        stacktrace: ['Error: at db.ts:1'],
      },
    });
  };

  before(async () => {
    orders = await serveGraphQL({
      schema: buildSubgraphSchema({
        typeDefs: `${LINK} type Query { orders: [String] }`,
        resolvers: { Query: { orders: failing('DB_DOWN') } },
      }),
    });
    stock = await serveGraphQL({
      schema: buildSubgraphSchema({
        typeDefs: `${LINK} type Query { stock: Int }`,
        resolvers: { Query: { stock: failing('STOCK_DOWN') } },
      }),
    });
  });
  const open: TestGateway[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((gw) => gw.close()));
  });
  after(async () => {
    await orders.close();
    await stock.close();
  });

  const gateway = async (subgraphErrors?: GatehouseConfigInput['subgraphErrors']) =>
    track(
      await startTestGateway({
        ...(subgraphErrors ? { subgraphErrors } : {}),
        subgraphs: [
          { name: 'orders', kind: 'federation', url: orders.url },
          { name: 'stock', kind: 'federation', url: stock.url },
        ],
      }),
    );
  const track = (gw: TestGateway) => {
    open.push(gw);
    return gw;
  };

  it('passes the message and the code only by default, with serviceName and path', async () => {
    const gw = await gateway();
    const { body } = await gw.query('{ orders }');
    assert.deepEqual(body.errors, [
      { message: SECRET, path: ['orders'], extensions: { code: 'DB_DOWN', serviceName: 'orders' } },
    ]);
  });

  it('passes every extension with extensions: all, but never exception or stacktrace', async () => {
    const gw = await gateway({ default: { extensions: 'all' } });
    const { body } = await gw.query('{ orders }');
    assert.deepEqual(body.errors?.[0]?.extensions, {
      code: 'DB_DOWN',
      internalHost: 'db.internal',
      serviceName: 'orders',
    });
  });

  it('replaces the messages of one subgraph, keeping its code; the others keep the default', async () => {
    const gw = await gateway({
      default: { extensions: 'all' },
      subgraphs: { orders: { message: 'replace', replacement: 'orders failed', extensions: 'code' } },
    });
    const { body } = await gw.query('{ orders stock }');
    const errors = body.errors ?? [];
    const byService = Object.fromEntries(errors.map((e) => [e.extensions?.serviceName, e]));
    assert.deepEqual(byService.orders, {
      message: 'orders failed',
      path: ['orders'],
      extensions: { code: 'DB_DOWN', serviceName: 'orders' },
    });
    assert.equal(byService.stock?.message, SECRET);
    assert.equal(byService.stock?.extensions?.internalHost, 'db.internal');
    assert.doesNotMatch(JSON.stringify(body), /stacktrace|exception/);
  });

  it("leaves the gateway's own errors about a subgraph as they are", async () => {
    const sdl = await writeBrokenSdl();
    const broken = await startFaultServer('html-500');
    try {
      const gw = track(
        await startTestGateway({
          subgraphErrors: { default: { message: 'replace' } },
          subgraphs: [{ name: 'broken', kind: 'federation', url: broken.url, schemaFile: sdl.file }],
        }),
      );
      const { body } = await gw.query('{ broken }');
      assert.equal(body.errors?.[0]?.extensions?.code, 'SUBGRAPH_BAD_RESPONSE');
      assert.equal(body.errors?.[0]?.extensions?.upstreamStatus, 500);
      assert.match(body.errors?.[0]?.message ?? '', /broken/);
    } finally {
      await Promise.all(open.splice(0).map((g) => g.close()));
      await broken.close();
      await sdl.remove();
    }
  });

  // Apollo Server gives thrown errors INTERNAL_SERVER_ERROR; BAD_USER_INPUT is common too. Both are
  // catalogue codes, yet an error a subgraph sends with them is the subgraph's, not the gateway's.
  describe('with catalogue codes a subgraph sends', () => {
    let federated: RunningServer;
    let plain: RunningServer;
    const forged = (code: string) => () => {
      throw new GraphQLError(SECRET, {
        extensions: { code, internalHost: 'db.internal', http: { status: 418 }, serviceName: 'other' },
      });
    };
    before(async () => {
      federated = await serveGraphQL({
        schema: buildSubgraphSchema({
          typeDefs: `${LINK} type Query { fedInternal: String fedInput: String }`,
          resolvers: {
            Query: { fedInternal: forged('INTERNAL_SERVER_ERROR'), fedInput: forged('BAD_USER_INPUT') },
          },
        }),
      });
      plain = await serveGraphQL({
        schema: makeExecutableSchema({
          typeDefs: 'type Query { plainInternal: String plainInput: String }',
          resolvers: {
            Query: { plainInternal: forged('INTERNAL_SERVER_ERROR'), plainInput: forged('BAD_USER_INPUT') },
          },
        }),
      });
    });
    after(async () => {
      await federated.close();
      await plain.close();
    });
    const both = (subgraphErrors: GatehouseConfigInput['subgraphErrors']) =>
      startTestGateway({
        subgraphErrors,
        subgraphs: [
          { name: 'fed', kind: 'federation', url: federated.url },
          { name: 'plain', kind: 'graphql', url: plain.url },
        ],
      }).then(track);
    const QUERY = '{ fedInternal fedInput plainInternal plainInput }';

    it('replaces their messages and drops their other extensions', async () => {
      const gw = await both({ default: { message: 'replace', replacement: 'hidden' } });
      const { status, body } = await gw.query(QUERY);
      assert.equal(status, 200);
      const seen = (body.errors ?? []).map((e) => [e.path?.[0], e.message, e.extensions]);
      assert.deepEqual(
        seen.sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
        [
          ['fedInput', 'hidden', { code: 'BAD_USER_INPUT', serviceName: 'fed' }],
          ['fedInternal', 'hidden', { code: 'INTERNAL_SERVER_ERROR', serviceName: 'fed' }],
          ['plainInput', 'hidden', { code: 'BAD_USER_INPUT', serviceName: 'plain' }],
          ['plainInternal', 'hidden', { code: 'INTERNAL_SERVER_ERROR', serviceName: 'plain' }],
        ],
      );
      assert.doesNotMatch(JSON.stringify(body), /hunter2|db\.internal/);
    });

    it('never lets extensions: all forge http or another serviceName', async () => {
      const gw = await both({ default: { extensions: 'all' } });
      const { status, body } = await gw.query(QUERY);
      assert.equal(status, 200);
      for (const error of body.errors ?? []) {
        const service = String(error.path?.[0]).startsWith('fed') ? 'fed' : 'plain';
        assert.equal(error.extensions?.serviceName, service);
        assert.equal(error.extensions?.http, undefined);
        assert.equal(error.extensions?.internalHost, 'db.internal');
      }
      assert.equal(body.errors?.length, 4);
    });
  });

  it("keeps the extensions of the gateway's own errors under message: replace", async () => {
    const api = await startRestServer(shopApi());
    const sdl = await writeBrokenSdl();
    const subgraphErrors = { default: { message: 'replace' as const } };
    try {
      const down = track(
        await startTestGateway({
          subgraphErrors,
          subgraphs: [
            { name: 'gone', kind: 'federation', url: 'http://127.0.0.1:9/graphql', schemaFile: sdl.file },
          ],
        }),
      );
      const unavailable = (await down.query('{ broken }')).body.errors?.[0]?.extensions;
      assert.equal(unavailable?.code, 'SUBGRAPH_UNAVAILABLE');
      assert.equal(unavailable?.serviceName, 'gone');
      const rest = track(
        await startTestGateway({
          subgraphErrors,
          subgraphs: [
            {
              name: 'shop',
              kind: 'rest',
              url: api.url,
              schemaFile: fileURLToPath(new URL('../fixtures/rest/shop.graphql', import.meta.url)),
            },
          ],
        }),
      );
      const failed = (await rest.query('{ failing(status: 500) }')).body.errors?.[0]?.extensions;
      assert.equal(failed?.code, 'REST_HTTP_ERROR');
      assert.equal(failed?.serviceName, 'shop');
      assert.equal(failed?.upstreamStatus, 500);
    } finally {
      await Promise.all(open.splice(0).map((g) => g.close()));
      await api.close();
      await sdl.remove();
    }
  });

  it('reports a subgraphs entry that names no configured subgraph', () => {
    const checked = checkConfig({
      subgraphErrors: { subgraphs: { ordres: { message: 'replace' } } },
      subgraphs: [{ name: 'orders', kind: 'federation', url: 'http://127.0.0.1:1/graphql' }],
    });
    assert.deepEqual(
      checked.problems?.map((p) => p.path),
      ['subgraphErrors.subgraphs.ordres'],
    );
  });
});
