/**
 * Header rules and dedup: calls that carry different forwarded headers are never shared, calls
 * that differ only in their correlation headers (request id, trace context) are. Seen from a real
 * subgraph on loopback whose fields wait at a gate, so that the operations overlap for sure; a
 * test room counts the calls that reach dedup (its `headers` hook runs just before).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Room } from '../../gateway/room.ts';
import { waitFor } from '../helpers/fault-graph.ts';
import { type GatedSubgraph, startGatedSubgraph } from '../helpers/gated-subgraph.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let arrivals = 0;
const countCalls: Room = {
  name: 'count-calls',
  headers: () => () => {
    arrivals++;
    return undefined;
  },
};

describe('header rules and dedup', () => {
  let subgraph: GatedSubgraph;
  let gateway: TestGateway;
  before(async () => {
    subgraph = await startGatedSubgraph();
    gateway = await startTestGateway(
      {
        subgraphs: [{ name: 'gated', kind: 'federation', url: subgraph.url }],
        headers: { all: { request: [{ propagate: { named: 'authorization' } }] } },
      },
      { rooms: [countCalls] },
    );
  });
  after(async () => {
    await gateway?.close();
    await subgraph?.close();
  });
  beforeEach(() => {
    subgraph.open();
    subgraph.resetRequests();
    arrivals = 0;
  });

  /** Runs `operations` while the subgraph holds its answers, once `calls` calls reached dedup. */
  async function overlapping<T>(operations: () => Promise<T>[], calls: number, requests: number) {
    subgraph.hold();
    const running = operations();
    await waitFor(() => arrivals === calls && subgraph.requests() === requests, `${calls} calls`);
    subgraph.open();
    return Promise.all(running);
  }

  it('never shares a call between two callers with different Authorization at once', async () => {
    const call = (authorization: string) => gateway.query('{ hello }', {}, { authorization });
    const results = await overlapping(() => [call('Bearer alice'), call('Bearer bob')], 2, 2);
    for (const { body } of results) assert.deepEqual(body, { data: { hello: 'world' } });
    assert.equal(subgraph.requests(), 2);
    assert.deepEqual(subgraph.authorizations().sort(), ['Bearer alice', 'Bearer bob']);
  });

  it('shares a call between callers that differ only in request id and trace context', async () => {
    const call = (id: string, trace: string) =>
      gateway.query(
        '{ hello }',
        {},
        {
          authorization: 'Bearer alice',
          'x-request-id': id,
          traceparent: `00-${trace.repeat(32)}-${'b'.repeat(16)}-01`,
        },
      );
    const results = await overlapping(() => [call('one', '1'), call('two', '2'), call('three', '3')], 3, 1);
    for (const { body } of results) assert.deepEqual(body, { data: { hello: 'world' } });
    assert.equal(subgraph.requests(), 1);
  });
});
