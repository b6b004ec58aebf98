/**
 * Starting with subgraphs missing: the rest is served, /readyz says what is missing (503 when it
 * is required), the missing one joins when it comes up; with nothing at all, operations get
 * SCHEMA_NOT_READY (503) while /healthz stays 200.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SupergraphStatus } from '../../gateway/supergraph/index.ts';
import { buildSubgraphSchema } from '../../schema/federation/build-subgraph-schema.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { type HealthySubgraph, startHealthySubgraph, waitFor } from '../helpers/fault-graph.ts';
import { CLOSED_PORT, freePort } from '../helpers/fault-servers.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const LATE_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { late: String }
`;

const startLate = (port: number) =>
  serveGraphQL({
    port,
    schema: buildSubgraphSchema({ typeDefs: LATE_SDL, resolvers: { Query: { late: () => 'here' } } }),
  });

async function get(gateway: TestGateway, path: string) {
  const response = await gateway.yoga.fetch(`http://gateway${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const lateStatus = (gateway: TestGateway) =>
  gateway.supergraph.status().subgraphs.find((s) => s.name === 'late')!;

describe('startup with a subgraph down', () => {
  let healthy: HealthySubgraph;
  const opened: Array<{ close(): Promise<void> }> = [];
  before(async () => {
    healthy = await startHealthySubgraph();
  });
  after(async () => {
    for (const thing of opened.reverse()) await thing.close();
    await healthy?.close();
  });

  for (const required of [false, true]) {
    it(`serves the rest, reports the ${required ? 'required' : 'optional'} one, and adds it when it comes up`, async () => {
      const port = await freePort();
      const gateway = await startTestGateway({
        server: { readyDetails: 'always' }, // in process: no socket, so no details otherwise
        subgraphs: [
          { name: 'healthy', kind: 'federation', url: healthy.url },
          { name: 'late', kind: 'federation', url: `http://127.0.0.1:${port}/graphql`, required },
        ],
      });
      opened.push(gateway);

      assert.deepEqual((await gateway.query('{ hello }')).body, { data: { hello: 'world' } });
      const missing = await gateway.query('{ late }');
      assert.equal(missing.status, 400);
      assert.equal(missing.body.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');

      const notYet = await get(gateway, '/readyz');
      assert.equal(notYet.status, required ? 503 : 200);
      const reported = (notYet.body.subgraphs as SupergraphStatus['subgraphs']).find(
        (s) => s.name === 'late',
      );
      assert.equal(reported?.loaded, false);
      assert.equal(reported?.inService, false);
      assert.equal(reported?.required, required);
      assert.equal(typeof reported?.error, 'string');
      assert.ok((reported?.attempts ?? 0) >= 1);

      const late: RunningServer = await startLate(port);
      opened.push(late);
      await waitFor(() => lateStatus(gateway).inService, 'the late subgraph to join the graph');

      assert.deepEqual((await gateway.query('{ hello late }')).body, {
        data: { hello: 'world', late: 'here' },
      });
      const ready = await get(gateway, '/readyz');
      assert.equal(ready.status, 200);
      assert.equal(ready.body.status, 'ready');
    });
  }

  it('retries with a doubling delay, up to retryMaxDelay', async () => {
    const port = CLOSED_PORT;
    const gateway = await startTestGateway({
      server: { readyDetails: 'always' }, // in process: no socket, so no details otherwise
      loading: { retryInitialDelay: 50, retryMaxDelay: 200 },
      subgraphs: [
        { name: 'healthy', kind: 'federation', url: healthy.url },
        { name: 'late', kind: 'federation', url: `http://127.0.0.1:${port}/graphql` },
      ],
    });
    opened.push(gateway);
    const seen = new Map<number, number>();
    for (let i = 0; i < 500 && (seen.get(5) === undefined || lateStatus(gateway).attempts < 5); i++) {
      const { attempts, retryDelay } = lateStatus(gateway);
      if (retryDelay !== undefined) seen.set(attempts, retryDelay);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.ok(seen.size >= 3, `retries seen: ${JSON.stringify([...seen])}`);
    for (const [attempts, delay] of seen) assert.equal(delay, Math.min(50 * 2 ** (attempts - 1), 200));
    assert.equal(seen.get(5), 200);
  });

  it('with no subgraph at all: SCHEMA_NOT_READY and 503 for operations, /healthz 200, /readyz 503', async () => {
    const port = CLOSED_PORT;
    const gateway = await startTestGateway({
      server: { readyDetails: 'always' }, // in process: no socket, so no details otherwise
      subgraphs: [{ name: 'late', kind: 'federation', url: `http://127.0.0.1:${port}/graphql` }],
    });
    opened.push(gateway);
    const { status, body } = await gateway.query('{ late }');
    assert.equal(status, 503);
    assert.equal(body.errors?.length, 1);
    assert.equal(body.errors?.[0]?.extensions?.code, 'SCHEMA_NOT_READY');
    assert.equal(body.data, undefined);
    assert.equal((await get(gateway, '/healthz')).status, 200);
    const ready = await get(gateway, '/readyz');
    assert.equal(ready.status, 503);
    assert.equal(ready.body.schema, false);
  });
});
