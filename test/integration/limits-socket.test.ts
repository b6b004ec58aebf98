/**
 * The hostile requests of the security issue, over a real loopback socket, while another client
 * keeps querying: a 24 MB flood of directives (with `maxRequestBodySize` raised to let it in), a
 * 5,000-deep nesting, a query whose data doubles at each level and 2,000 aliases are each refused
 * with OPERATION_LIMIT_EXCEEDED; the other client's queries are all answered meanwhile, and the
 * flood leaves the heap about where it was (parsed whole, it would take gigabytes).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { doubling, type ReviewGraph, startReviewGraph } from '../helpers/review-graph.ts';

let graph: ReviewGraph;
let gateway: TestGateway;
let url: string;
before(async () => {
  graph = await startReviewGraph();
  gateway = await startTestGateway({
    limits: { maxRequestBodySize: 32 * 1024 * 1024 }, // 32 MB: the flood is read, then refused
    // No health check during the test: only operations may reach the subgraph (a slow machine
    // can take longer than the default 10 s interval).
    loading: { healthCheckInterval: 3_600_000 },
    subgraphs: [{ name: 'reviews', kind: 'federation', url: graph.url }],
  });
  url = (await gateway.listen()).url;
});
after(async () => {
  await gateway?.close();
  await graph?.close();
});

const post = async (query: string) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> },
  };
};

it('refuses each hostile request while another client is answered', { timeout: 60_000 }, async () => {
  const heapBefore = process.memoryUsage().heapUsed;
  const hostile = [
    `{ __typename ${'@a '.repeat(8 * 1024 * 1024)}}`, // 24 MB
    `${'{ a '.repeat(5_000)}${'}'.repeat(5_000)}`,
    doubling(40),
    `{ ${Array.from({ length: 2_000 }, (_, i) => `a${i}: hello`).join(' ')} }`,
  ];
  let done = false;
  const steady: number[] = [];
  const other = (async () => {
    // Bounded: at most 2,000 queries, stopping once the hostile requests are answered.
    for (let i = 0; i < 2_000 && !done; i++) {
      const { status } = await post('{ hello }');
      steady.push(status);
    }
  })();
  graph.reset();
  try {
    for (const query of hostile) {
      const { status, body } = await post(query);
      assert.equal(status, 400);
      assert.equal(body.errors?.[0]?.extensions?.code, 'OPERATION_LIMIT_EXCEEDED');
    }
  } finally {
    done = true;
    await other;
  }
  assert.ok(steady.length > 0);
  assert.ok(steady.every((status) => status === 200));
  // Only the other client's queries reached the subgraph.
  assert.equal(graph.calls(), steady.length);
  // The texts themselves (tens of MB in this process) are the only growth; a parsed flood is GBs.
  assert.ok(process.memoryUsage().heapUsed - heapBefore < 512 * 1024 * 1024);
});
