/**
 * Identical subgraph queries in flight are sent once, across operations (`dedup: shared`, the
 * default), within one operation (`operation`) or never (`off`); seen from a real subgraph on
 * loopback whose fields wait at a gate, so that calls overlap for sure. A test room counts the
 * calls that reach dedup (its `headers` hook runs just before) and forwards `Authorization`.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { parse } from 'graphql';
import type { Room } from '../../gateway/room.ts';
import { createHttpTransport } from '../../gateway/upstream/http-transport.ts';
import { dedupRequests } from '../../gateway/upstream/index.ts';
import { waitFor } from '../helpers/fault-graph.ts';
import { type GatedSubgraph, startGatedSubgraph } from '../helpers/gated-subgraph.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let arrivals = 0;
const forwardAuthorization: Room = {
  name: 'forward-authorization',
  headers: () => (request) => {
    arrivals++;
    const client = (request.context as { request?: Request } | undefined)?.request;
    const authorization = client?.headers.get('authorization');
    return authorization ? { authorization } : undefined;
  },
};

describe('dedup across operations', () => {
  let subgraph: GatedSubgraph;
  const gateways: Record<'shared' | 'operation' | 'off', TestGateway> = {} as never;
  before(async () => {
    subgraph = await startGatedSubgraph();
    for (const mode of ['shared', 'operation', 'off'] as const) {
      gateways[mode] = await startTestGateway(
        {
          // The stitching engine sends `{ a: hello b: hello }` as two identical calls (the plan
          // engine as one): what the within-operation modes are about.
          engine: 'stitching',
          subgraphs: [{ name: 'gated', kind: 'federation', url: subgraph.url, dedup: mode }],
        },
        { rooms: [forwardAuthorization] },
      );
    }
  });
  after(async () => {
    for (const gateway of Object.values(gateways)) await gateway.close();
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

  it('sends identical queries of concurrent operations once; each gets the answer', async () => {
    const results = await overlapping(() => [1, 2, 3].map(() => gateways.shared.query('{ hello }')), 3, 1);
    for (const { body } of results) assert.deepEqual(body, { data: { hello: 'world' } });
    assert.equal(subgraph.requests(), 1);
  });

  it('never shares between callers whose forwarded Authorization differs', async () => {
    const as = (authorization: string) => gateways.shared.query('{ hello }', {}, { authorization });
    const results = await overlapping(() => [as('Bearer a'), as('Bearer b'), as('Bearer a')], 3, 2);
    for (const { body } of results) assert.deepEqual(body, { data: { hello: 'world' } });
    assert.equal(subgraph.requests(), 2);
    assert.deepEqual(subgraph.authorizations().sort(), ['Bearer a', 'Bearer b']);
  });

  it('never shares a mutation', async () => {
    const before = subgraph.bumps();
    const results = await overlapping(
      () => [1, 2, 3].map(() => gateways.shared.query('mutation { bump }')),
      3,
      3,
    );
    assert.deepEqual(results.map(({ body }) => body.data?.bump).sort(), [before + 1, before + 2, before + 3]);
    assert.equal(subgraph.bumps(), before + 3);
  });

  it('shares errors: each caller gets them', async () => {
    const results = await overlapping(() => [1, 2].map(() => gateways.shared.query('{ failing }')), 2, 1);
    for (const { body } of results) {
      assert.deepEqual(body.data, { failing: null });
      assert.equal(body.errors?.[0]?.extensions?.code, 'FORBIDDEN');
      assert.deepEqual(body.errors?.[0]?.path, ['failing']);
    }
    assert.equal(subgraph.requests(), 1);
  });

  it('`operation` shares within one operation only', async () => {
    await overlapping(() => [1, 2].map(() => gateways.operation.query('{ hello }')), 2, 2);
    assert.equal(subgraph.requests(), 2);
    subgraph.resetRequests();
    arrivals = 0;
    const [one] = await overlapping(() => [gateways.operation.query('{ a: hello b: hello }')], 2, 1);
    assert.deepEqual(one?.body, { data: { a: 'world', b: 'world' } });
    assert.equal(subgraph.requests(), 1);
  });

  it('`off` sends every call, even within one operation', async () => {
    const [one] = await overlapping(() => [gateways.off.query('{ a: hello b: hello }')], 2, 2);
    assert.deepEqual(one?.body, { data: { a: 'world', b: 'world' } });
    assert.equal(subgraph.requests(), 2);
  });

  it('a client that goes away leaves the shared call to the others; when all go, it is aborted', async () => {
    const send = async (signal?: AbortSignal) => {
      try {
        const response = await gateways.shared.yoga.fetch('http://gateway/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
          body: JSON.stringify({ query: '{ hello }' }),
          signal,
        });
        return await response.json();
      } catch (error) {
        return error;
      }
    };
    subgraph.hold();
    const leaving = new AbortController();
    const left = send(leaving.signal);
    const staying = send();
    await waitFor(() => arrivals === 2 && subgraph.requests() === 1, 'both calls');
    leaving.abort();
    await left;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(subgraph.aborted(), 0, 'the call goes on for the caller that stayed');
    subgraph.open();
    assert.deepEqual(await staying, { data: { hello: 'world' } });
    assert.equal(subgraph.requests(), 1);

    subgraph.hold();
    const first = new AbortController();
    const second = new AbortController();
    const both = [send(first.signal), send(second.signal)];
    await waitFor(() => arrivals === 4 && subgraph.requests() === 2, 'both calls');
    first.abort();
    second.abort();
    await Promise.all(both);
    await waitFor(() => subgraph.aborted() === 1, 'the upstream request aborted');
  });

  it('gives each caller of one HTTP call its own copy of the answer', async () => {
    const transport = createHttpTransport({
      serviceName: 'gated',
      url: subgraph.url,
      client: gateways.shared.client,
    });
    const execute = dedupRequests('gated')(transport);
    const document = parse('{ item { id tags } }');
    subgraph.hold();
    const calls = [execute({ document }), execute({ document })];
    await waitFor(() => subgraph.requests() === 1, 'one request');
    subgraph.open();
    const [a, b] = await Promise.all(calls);
    assert.equal(subgraph.requests(), 1);
    type Item = { item: { tags: string[] } };
    assert.ok(a && b);
    (a.data as Item).item.tags.push('changed');
    assert.deepEqual((b.data as Item).item.tags, ['a', 'b']);
  });
});
