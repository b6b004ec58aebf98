/**
 * Schema polling of a federation subgraph loaded by URL (`_service { sdl }`), built with
 * `@apollo/subgraph`, whose SDL includes `_service` and `_entities` (which composition removes
 * from the document it is given, in place): the same SDL at every poll recomposes nothing (no
 * reload counted, the plans cached kept, no "new schema" line); a changed SDL recomposes once.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { type GraphQLSchema, graphql, parse } from 'graphql';
import { waitFor } from '../helpers/fault-graph.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { recordingLogger } from '../helpers/logger.ts';
import { parseMetrics, total } from '../helpers/prometheus-text.ts';

const POLL = 50; // ms
const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const PRODUCTS = [
  { id: '1', name: 'Table', price: 100 },
  { id: '2', name: 'Chair', price: 40 },
];
const productsSchema = (withPrice: boolean) =>
  buildSubgraphSchema({
    typeDefs: parse(`${LINK}
      type Query { products: [Product!]! product(id: ID!): Product }
      type Product @key(fields: "id") { id: ID! name: String!${withPrice ? ' price: Int!' : ''} }`),
    resolvers: {
      Query: {
        products: () => PRODUCTS,
        product: (_: unknown, { id }: { id: string }) => PRODUCTS.find((p) => p.id === id),
      },
    },
  });

/** A federation subgraph on loopback executing with graphql-js; `serve` switches its schema. */
async function startSubgraph(schema: GraphQLSchema) {
  let current = schema;
  const server = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    const { query, variables, operationName } = JSON.parse(body) as {
      query: string;
      variables?: Record<string, unknown>;
      operationName?: string;
    };
    const result = await graphql({
      schema: current,
      source: query,
      variableValues: variables,
      operationName,
    });
    const text = JSON.stringify(result);
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    response.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    serve(next: GraphQLSchema) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('schema polling of a subgraph loaded by URL', () => {
  let subgraph: Awaited<ReturnType<typeof startSubgraph>>;
  let gateway: TestGateway;
  const logger = recordingLogger();
  before(async () => {
    subgraph = await startSubgraph(productsSchema(false));
    gateway = await startTestGateway(
      {
        server: { readyDetails: 'always' },
        metrics: { enabled: true },
        loading: { pollInterval: POLL },
        subgraphs: [{ name: 'products', kind: 'federation', url: subgraph.url }],
      },
      { logger },
    );
  });
  after(async () => {
    await gateway?.close();
    await subgraph?.close();
  });

  const scrape = async () => parseMetrics(await (await gateway.yoga.fetch('http://gateway/metrics')).text());
  const polls = () => logger.lines.filter((l) => l.message.includes('has a new schema')).length;

  it('recomposes nothing while the SDL is the same, and once when it changes', async () => {
    for (const query of ['{ products { id } }', '{ products { name } }', '{ product(id: "1") { name } }'])
      assert.equal((await gateway.query(query)).status, 200);
    const plans = total(await scrape(), 'gatehouse_plan_cache_entries');
    assert.ok(plans >= 3, `${plans} plans cached`);
    const version = gateway.supergraph.status().version;

    // Several polls of the same SDL (a poll at least every POLL ms once the last one ended).
    await new Promise((resolve) => setTimeout(resolve, POLL * 8));
    const { reloads } = gateway.supergraph.status();
    assert.equal(reloads.succeeded, 1);
    assert.equal(reloads.failed, 0);
    assert.equal(polls(), 0, logger.lines.map((l) => l.message).join('\n'));
    assert.equal(gateway.supergraph.status().version, version);
    assert.equal(total(await scrape(), 'gatehouse_plan_cache_entries'), plans);

    subgraph.serve(productsSchema(true));
    await waitFor(() => gateway.supergraph.status().reloads.succeeded === 2, 'the new schema in service');
    assert.deepEqual((await gateway.query('{ products { price } }')).body, {
      data: { products: [{ price: 100 }, { price: 40 }] },
    });
    await new Promise((resolve) => setTimeout(resolve, POLL * 8));
    assert.equal(gateway.supergraph.status().reloads.succeeded, 2);
    assert.equal(polls(), 1);
    assert.equal(gateway.supergraph.status().reloads.last?.source, 'poll');
  });
});
