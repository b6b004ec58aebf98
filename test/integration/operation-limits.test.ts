/**
 * `limits.maxFields`: fragments spread twice at each level stand for 2^n fields; such an operation
 * is refused at once with OPERATION_LIMIT_EXCEEDED (HTTP 400) on both engines, when the document
 * is parsed (before validation, planning or any upstream call), while an ordinary one runs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { apolloSubgraph, fed2 } from '../federation/harness.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

function doubling(levels: number): string {
  let fragments = 'fragment F0 on Node { id }\n';
  for (let i = 1; i <= levels; i++)
    fragments += `fragment F${i} on Node { a { ...F${i - 1} } b { ...F${i - 1} } }\n`;
  return `query { node { ...F${levels} } }\n${fragments}`;
}

describe('limits.maxFields', () => {
  let subgraph: RunningServer;
  let calls = 0;
  const gateways: TestGateway[] = [];
  before(async () => {
    subgraph = await serveGraphQL({
      schema: apolloSubgraph(
        `${fed2('@key')} type Query { node: Node } type Node @key(fields: "id") { id: ID! a: Node b: Node }`,
        {
          Query: {
            node: () => {
              calls++;
              return { id: '1' };
            },
          },
        },
      ),
    });
  });
  after(async () => {
    for (const gateway of gateways) await gateway.close();
    await subgraph?.close();
  });

  for (const engine of ['plan', 'stitching'] as const) {
    // Without the limit the planner would work on this for minutes: the test's timeout catches it.
    it(`${engine}: refuses 2^16 fields in 800 characters, and runs an ordinary operation`, {
      timeout: 60_000,
    }, async () => {
      const gateway = await startTestGateway({
        engine,
        subgraphs: [{ name: 'graph', kind: 'federation', url: subgraph.url }],
      });
      gateways.push(gateway);
      calls = 0;
      const { status, body } = await gateway.query(doubling(16));
      assert.equal(status, 400);
      assert.equal(body.errors?.[0]?.extensions?.code, 'OPERATION_LIMIT_EXCEEDED');
      assert.equal(body.data, undefined);
      assert.equal(calls, 0);
      assert.deepEqual((await gateway.query(doubling(3))).body.errors, undefined);
      assert.equal(calls, 1);
    });
  }

  it('is checked when the document is parsed, before validation', async () => {
    const gateway = await startTestGateway({
      subgraphs: [{ name: 'graph', kind: 'federation', url: subgraph.url }],
    });
    gateways.push(gateway);
    // Validation would refuse `nope` first, were the limit checked only at execution.
    const { status, body } = await gateway.query(doubling(16).replace('query { node', 'query { nope node'));
    assert.equal(status, 400);
    assert.equal(body.errors?.[0]?.extensions?.code, 'OPERATION_LIMIT_EXCEEDED');
    assert.equal(body.errors?.[0]?.extensions?.limit, 'maxFields');
  });

  it('refuses 2^1000 fields without expanding them', { timeout: 10_000 }, async () => {
    const gateway = await startTestGateway({
      limits: { maxTokens: 0, maxDepth: 0 },
      subgraphs: [{ name: 'graph', kind: 'federation', url: subgraph.url }],
    });
    gateways.push(gateway);
    calls = 0;
    const { status, body } = await gateway.query(doubling(1000));
    assert.equal(status, 400);
    assert.equal(body.errors?.[0]?.extensions?.limit, 'maxFields');
    assert.equal(calls, 0);
  });

  it('the limit is configurable', async () => {
    const gateway = await startTestGateway({
      limits: { maxFields: 10 },
      subgraphs: [{ name: 'graph', kind: 'federation', url: subgraph.url }],
    });
    gateways.push(gateway);
    assert.equal((await gateway.query(doubling(1))).status, 200); // 5 fields
    assert.equal((await gateway.query(doubling(2))).status, 400); // 11 fields
  });
});
