/**
 * Identical errors are sent once, with every path: a list of entities whose other fields live in
 * a subgraph that is down gives one SUBGRAPH_UNAVAILABLE error with a path per entity.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildSubgraphSchema } from '../../schema/federation/build-subgraph-schema.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { writeBrokenSdl } from '../helpers/fault-graph.ts';
import { type FaultServer, startFaultServer } from '../helpers/fault-servers.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

describe('identical errors collapsed', () => {
  let products: RunningServer;
  let down: FaultServer;
  let sdl: Awaited<ReturnType<typeof writeBrokenSdl>>;
  let gateway: TestGateway;

  before(async () => {
    products = await serveGraphQL({
      schema: buildSubgraphSchema({
        typeDefs: `${LINK}
          type Query { products(n: Int!): [Product] }
          type Product @key(fields: "id") { id: ID! name: String }`,
        resolvers: {
          Query: {
            products: (_: unknown, args: { n: number }) =>
              Array.from({ length: args.n }, (_, i) => ({ id: String(i), name: `p${i}` })),
          },
        },
      }),
    });
    down = await startFaultServer('down');
    sdl = await writeBrokenSdl();
    gateway = await startTestGateway({
      subgraphs: [
        { name: 'products', kind: 'federation', url: products.url },
        { name: 'broken', kind: 'federation', url: down.url, schemaFile: sdl.file },
      ],
    });
  });
  after(async () => {
    await gateway.close();
    await products.close();
    await down.close();
    await sdl.remove();
  });

  it('gives one error with the path of each entity when their subgraph is down', async () => {
    const { body } = await gateway.query('{ products(n: 5) { name price } }');
    assert.equal(body.errors?.length, 1);
    const [error] = body.errors ?? [];
    assert.equal(error?.extensions?.code, 'SUBGRAPH_UNAVAILABLE');
    assert.equal(error?.extensions?.serviceName, 'broken');
    const paths = [0, 1, 2, 3, 4].map((i) => ['products', i, 'price']);
    assert.deepEqual(error?.path, paths[0]);
    assert.deepEqual(error?.extensions?.paths, paths);
    assert.equal((body.data?.products as unknown[] | undefined)?.length, 5);
  });

  it('gives the first path in result order, whatever order the engine raised the errors in', async () => {
    // The plan engine fetches `b`'s entities (one more field asked) before `a`'s.
    const { body } = await gateway.query('{ a: products(n: 3) { price } b: products(n: 2) { name price } }');
    assert.equal(body.errors?.length, 1);
    const [error] = body.errors ?? [];
    assert.equal(error?.extensions?.code, 'SUBGRAPH_UNAVAILABLE');
    assert.deepEqual(error?.path, ['a', 0, 'price']);
    assert.deepEqual(error?.extensions?.paths, [
      ['a', 0, 'price'],
      ['a', 1, 'price'],
      ['a', 2, 'price'],
      ['b', 0, 'price'],
      ['b', 1, 'price'],
    ]);
  });

  it('caps the paths at 100 and counts the others', async () => {
    const { body } = await gateway.query('{ products(n: 250) { name price } }');
    assert.equal(body.errors?.length, 1);
    const extensions = body.errors?.[0]?.extensions ?? {};
    assert.equal((extensions.paths as unknown[]).length, 100);
    assert.equal(extensions.pathsOmitted, 150);
  });
});
