/**
 * The upstream pipeline seen from a real subgraph: identical requests in flight are sent once
 * (dedup-shared.test.ts has the details) and nothing is kept once answered, mutations always,
 * configured headers are sent (with the SDL fetch too), and the gateway's requests reuse pooled
 * connections.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type HealthySubgraph, startHealthySubgraph } from '../helpers/fault-graph.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

describe('the upstream pipeline', () => {
  let healthy: HealthySubgraph;
  let gateway: TestGateway;
  let connections = 0;
  let headersAtLoad: Record<string, unknown> = {};
  before(async () => {
    healthy = await startHealthySubgraph();
    healthy.server.on('connection', () => connections++);
    gateway = await startTestGateway({
      subgraphs: [
        { name: 'healthy', kind: 'federation', url: healthy.url, headers: { 'x-api-key': 'secret-1' } },
      ],
    });
    headersAtLoad = { ...healthy.lastHeaders() };
  });
  after(async () => {
    await gateway?.close();
    await healthy?.close();
  });

  it('sends an identical request once within one operation', async () => {
    healthy.resetRequests();
    // The planner sends `{ hello }` once per alias; dedup makes it one request on the wire.
    const { body } = await gateway.query('{ a: hello b: hello }');
    assert.deepEqual(body, { data: { a: 'world', b: 'world' } });
    assert.equal(healthy.requests(), 1);
  });

  it('keeps nothing once answered: the same query of a later operation is sent again', async () => {
    healthy.resetRequests();
    await gateway.query('{ hello }');
    await gateway.query('{ hello }');
    assert.equal(healthy.requests(), 2);
  });

  it('never sends a mutation once for two', async () => {
    const before = healthy.bumps();
    const { body } = await gateway.query('mutation { a: bump b: bump }');
    assert.equal(body.errors, undefined);
    assert.equal(healthy.bumps(), before + 2);
    assert.deepEqual(body.data, { a: before + 1, b: before + 2 });
  });

  it('sends the configured headers, when loading the SDL and on every request', async () => {
    assert.equal(headersAtLoad['x-api-key'], 'secret-1');
    const { body } = await gateway.query('{ whoami }');
    assert.deepEqual(body, { data: { whoami: 'secret-1' } });
  });

  it('reuses pooled connections across operations', async () => {
    const start = connections;
    for (let i = 0; i < 20; i++) {
      const { body } = await gateway.query('{ hello }');
      assert.deepEqual(body, { data: { hello: 'world' } });
    }
    assert.ok(connections - start <= 2, `new connections: ${connections - start}`);
  });
});
