/**
 * `cache.subgraphCacheControl: cap`: a subgraph's `Cache-Control` answer header caps what the
 * gateway keeps of its answers (the smaller max-age, s-maxage first; nothing for no-store or for
 * private on an answer every caller shares), in the response cache and in the entity cache; with
 * `ignore` (the default) only the policies count.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { graphql } from 'graphql';
import { serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { CACHE_CONTROL_HEADER } from '../helpers/cache-control.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { startPolicyCase } from '../helpers/policies.ts';
import { type ApolloResolvers, apolloSubgraph } from './harness.ts';

/** A plain GraphQL service over HTTP that answers with the `Cache-Control` header `header()`. */
async function serviceSaying(header: () => string | undefined) {
  const schema = makeExecutableSchema({
    typeDefs: 'type Query { motd: String }',
    resolvers: { Query: { motd: () => `said ${++asked.count}` } },
  });
  const asked = { count: 0 };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', async () => {
      const { query, variables } = JSON.parse(body) as { query: string; variables?: Record<string, unknown> };
      const result = await graphql({ schema, source: query, variableValues: variables });
      const said = header();
      res.writeHead(200, {
        'content-type': 'application/json',
        ...(said !== undefined && { 'cache-control': said }),
      });
      res.end(JSON.stringify(result));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    asked,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function start(mode: 'cap' | 'ignore', header: () => string | undefined, entities = false) {
  const service = await serviceSaying(header);
  const running = await startPolicyCase(
    {},
    {
      subgraphs: [
        { kind: 'graphql', name: 'hr', url: service.url, cacheControl: { 'Query.motd': { maxAge: 60 } } },
      ],
      cache: {
        subgraphCacheControl: mode,
        ...(entities && { response: { enabled: false }, entities: { enabled: true } }),
      },
    },
  );
  return {
    gateway: running.gateway,
    asked: service.asked,
    async [Symbol.asyncDispose]() {
      await running[Symbol.asyncDispose]();
      await service.close();
    },
  };
}

describe('subgraph Cache-Control headers', () => {
  it('cap: the smaller max-age holds (s-maxage first)', async () => {
    await using graph = await start('cap', () => 'public, max-age=100, s-maxage=5');
    const first = await graph.gateway.query('{ motd }');
    assert.equal(first.headers.get('cache-control'), 'max-age=5, public');
    await graph.gateway.query('{ motd }');
    assert.equal(graph.asked.count, 1, 'kept');
  });

  for (const said of ['no-store', 'no-cache', 'private, max-age=60'])
    it(`cap: "${said}" keeps nothing of a shared answer`, async () => {
      await using graph = await start('cap', () => said);
      const first = await graph.gateway.query('{ motd }');
      assert.equal(first.headers.get('cache-control'), 'no-store');
      await graph.gateway.query('{ motd }');
      assert.equal(graph.asked.count, 2, 'asked each time');
    });

  it('cap: the entity cache keeps nothing of a call its subgraph says no-store of', async () => {
    let said: string | undefined = 'no-store';
    await using graph = await start('cap', () => said, true);
    await graph.gateway.query('{ motd }');
    await graph.gateway.query('{ motd }');
    assert.equal(graph.asked.count, 2);
    said = undefined;
    await graph.gateway.query('{ motd }');
    await graph.gateway.query('{ motd }');
    assert.equal(graph.asked.count, 3, 'kept once the subgraph says nothing');
  });

  it('ignore (the default): only the policies count', async () => {
    await using graph = await start('ignore', () => 'no-store');
    const first = await graph.gateway.query('{ motd }');
    assert.equal(first.headers.get('cache-control'), 'max-age=60, public');
    await graph.gateway.query('{ motd }');
    assert.equal(graph.asked.count, 1);
  });
});

describe('subgraph Cache-Control headers: calls shared by operations', () => {
  it("cap: an operation that joined another one's call gets what its answer said", async () => {
    const catalog = await serveGraphQL({
      schema: apolloSubgraph(
        `${CACHE_CONTROL_HEADER}type Query { products(ids: [ID!]!): [Product!]! @cacheControl(maxAge: 60) }
         type Product @key(fields: "id") @cacheControl(maxAge: 60) { id: ID! name: String }`,
        {
          Query: {
            products: (_: unknown, { ids }: { ids: string[] }) => ids.map((id) => ({ id, name: id })),
          },
        } as unknown as ApolloResolvers,
      ),
    });
    const reviews = apolloSubgraph(
      `${CACHE_CONTROL_HEADER}type Product @key(fields: "id") @cacheControl(maxAge: 60) { id: ID! rating: Int }`,
      {
        Product: { __resolveReference: (r: { id: string }) => r, rating: () => 1 },
      } as unknown as ApolloResolvers,
    );
    // Slow enough for the second operation's call to join the first one's in flight.
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', async () => {
        const { query, variables } = JSON.parse(body) as {
          query: string;
          variables?: Record<string, unknown>;
        };
        const result = await graphql({ schema: reviews, source: query, variableValues: variables });
        await new Promise((resolve) => setTimeout(resolve, 300));
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(result));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const gateway = await startTestGateway({
      subgraphs: [
        { kind: 'federation', name: 'catalog', url: catalog.url },
        {
          kind: 'federation',
          name: 'reviews',
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
        },
      ],
      cache: { subgraphCacheControl: 'cap' },
    });
    try {
      const [a, b] = await Promise.all([
        gateway.query('{ products(ids: ["p1"]) { id rating } }'),
        gateway.query('{ x: products(ids: ["p1"]) { id rating } }'),
      ]);
      assert.equal(a.headers.get('cache-control'), 'no-store');
      assert.equal(b.headers.get('cache-control'), 'no-store');
    } finally {
      await gateway.close();
      await catalog.close();
      server.closeAllConnections();
      server.close();
    }
  });
});
