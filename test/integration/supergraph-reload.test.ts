/**
 * A subgraph that comes back with a schema that does not compose never replaces the schema in
 * service: operations keep working on the old one, /readyz shows the composition problems.
 * Subgraphs that do not compose at startup leave the gateway with no schema, and say why.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SupergraphStatus } from '../../gateway/supergraph/index.ts';
import { buildSubgraphSchema } from '../../schema/federation/build-subgraph-schema.ts';
import { serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { type HealthySubgraph, startHealthySubgraph, waitFor } from '../helpers/fault-graph.ts';
import { freePort } from '../helpers/fault-servers.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

// `hello` is a String in the healthy subgraph: an Int here (and unshared) cannot compose with it.
const CONFLICTING_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { hello: Int other: String }
`;

const startConflicting = (port?: number) =>
  serveGraphQL({
    port,
    schema: buildSubgraphSchema({
      typeDefs: CONFLICTING_SDL,
      resolvers: { Query: { hello: () => 1, other: () => 'x' } },
    }),
  });

async function readyz(gateway: TestGateway) {
  const response = await gateway.yoga.fetch('http://gateway/readyz');
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('composition failures', () => {
  let healthy: HealthySubgraph;
  const opened: Array<{ close(): Promise<void> }> = [];
  before(async () => {
    healthy = await startHealthySubgraph();
  });
  after(async () => {
    for (const thing of opened.reverse()) await thing.close();
    await healthy?.close();
  });

  it('a subgraph that comes back and does not compose never replaces the schema in service', async () => {
    const port = await freePort();
    const gateway = await startTestGateway({
      server: { readyDetails: 'always' }, // in process: no socket, so no details otherwise
      subgraphs: [
        { name: 'healthy', kind: 'federation', url: healthy.url },
        { name: 'conflicting', kind: 'federation', url: `http://127.0.0.1:${port}/graphql`, required: true },
      ],
    });
    opened.push(gateway);
    const inService = gateway.supergraph.schema;
    assert.ok(inService);

    opened.push(await startConflicting(port));
    const conflicting = () => gateway.supergraph.status().subgraphs.find((s) => s.name === 'conflicting')!;
    // It loads, fails to compose, and is set aside to be loaded again later.
    await waitFor(
      () => gateway.supergraph.status().compositionProblems.length > 0 && conflicting().error !== undefined,
      'the conflicting subgraph to be loaded and set aside',
    );

    assert.equal(gateway.supergraph.schema, inService);
    assert.equal(conflicting().inService, false);
    assert.deepEqual((await gateway.query('{ hello }')).body, { data: { hello: 'world' } });
    const { status, body } = await readyz(gateway);
    assert.equal(status, 503); // the required subgraph is not part of the schema in service
    assert.ok(Array.isArray(body.compositionProblems) && body.compositionProblems.length > 0);
    const reported = (body.subgraphs as SupergraphStatus['subgraphs']).find((s) => s.name === 'conflicting');
    assert.equal(reported?.loaded, false);
    assert.equal(reported?.inService, false);
    assert.ok(reported?.error !== undefined);
  });

  for (const required of [false, true]) {
    it(`subgraphs that do not compose at startup: the first is served, the other set aside and reported, not ready (${required ? 'required' : 'optional'})`, async () => {
      const conflicting = await startConflicting();
      opened.push(conflicting);
      const gateway = await startTestGateway({
        server: { readyDetails: 'always' }, // in process: no socket, so no details otherwise
        subgraphs: [
          { name: 'healthy', kind: 'federation', url: healthy.url },
          { name: 'conflicting', kind: 'federation', url: conflicting.url, required },
        ],
      });
      opened.push(gateway);
      assert.ok(gateway.supergraph.schema);
      assert.deepEqual((await gateway.query('{ hello }')).body, { data: { hello: 'world' } });
      const ready = await readyz(gateway);
      // A graph that is not the one configured is a deploy error: not ready, required or not.
      assert.equal(ready.status, 503);
      assert.equal(ready.body.status, 'not ready');
      assert.ok(Array.isArray(ready.body.compositionProblems) && ready.body.compositionProblems.length > 0);
      const reported = (ready.body.subgraphs as SupergraphStatus['subgraphs']).find(
        (s) => s.name === 'conflicting',
      );
      assert.equal(reported?.inService, false);
      assert.ok(reported?.error !== undefined);
      const attempts = reported?.attempts ?? 0;
      await waitFor(
        () =>
          gateway.supergraph.status().subgraphs.find((s) => s.name === 'conflicting')!.attempts > attempts,
        'the set-aside subgraph to be loaded again',
      );
    });
  }
});
