/**
 * The RateLimit headers on a streamed result: a `@defer` operation delivered incrementally, over
 * `multipart/mixed` and over `text/event-stream`, through a gateway listening on loopback. The
 * headers go with the response head, like every other response's (and `X-Request-Id` with them).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { multipartParts } from '../helpers/multipart.ts';
import { type ReviewGraph, startReviewGraph } from '../helpers/review-graph.ts';

const DEFERRED = '{ hello ... @defer { me { name } } }';

describe('rate limits on streamed results', () => {
  let graph: ReviewGraph;
  let gateway: TestGateway;
  let url: string;
  before(async () => {
    graph = await startReviewGraph();
    gateway = await startTestGateway({
      subgraphs: [{ name: 'reviews', kind: 'federation', url: graph.url }],
      rateLimit: {
        limits: [
          { name: 'per-client', by: 'header:x-client', whenMissing: 'skip', limit: 5, window: '1h' },
          {
            name: 'budget',
            by: 'header:x-client',
            whenMissing: 'skip',
            limit: 100,
            window: '1h',
            cost: 'operation',
          },
        ],
      },
    });
    ({ url } = await gateway.listen());
  });
  after(async () => {
    await gateway?.close();
    await graph?.close();
  });

  const post = (accept: string, client: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept, 'x-client': client },
      body: JSON.stringify({ query: DEFERRED }),
    });

  it('sends RateLimit-Policy and RateLimit with a multipart/mixed response', async () => {
    const response = await post('multipart/mixed', 'multipart');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^multipart\/mixed/);
    assert.equal(
      response.headers.get('ratelimit-policy'),
      '"per-client";q=5;w=3600, "budget";q=100;w=3600;gatehouse-qu="cost"',
    );
    assert.match(response.headers.get('ratelimit') ?? '', /^"per-client";r=4;t=\d+, "budget";r=\d+;t=\d+$/);
    assert.ok(response.headers.get('x-request-id'));
    const parts = [];
    for await (const part of multipartParts(response)) parts.push(part);
    assert.deepEqual(parts[0], { data: { hello: 'world' }, hasNext: true });
    assert.equal(parts.at(-1)?.hasNext, false);
  });

  it('sends them with a text/event-stream response', async () => {
    const response = await post('text/event-stream', 'sse');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.match(response.headers.get('ratelimit') ?? '', /^"per-client";r=4;t=\d+, "budget";r=\d+;t=\d+$/);
    const text = await response.text();
    assert.match(text, /"data":\{"hello":"world"\},"hasNext":true/);
    assert.match(text, /event: complete/);
  });
});
