/**
 * The JSON fast path answers exactly as Yoga does: two gateways over the same subgraph, one with
 * `server.fastPath: false`, get the same requests over HTTP; status, content type and body must
 * be the same, for answers, errors of every stage, media types and requests the fast path hands
 * to Yoga. A room that hooks every request turns the fast path off.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createGraphQLError } from 'graphql-yoga';
import type { Room } from '../../gateway/room.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { apolloSubgraph, fed2 } from '../federation/harness.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

interface Answer {
  status: number;
  type: string | null;
  body: string;
}

async function send(url: string, body: string, headers: Record<string, string>): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

const JSON_TYPE = { 'content-type': 'application/json' };
const GRAPHQL_RESPONSE = { ...JSON_TYPE, accept: 'application/graphql-response+json' };

const cases: Array<[string, unknown, Record<string, string>]> = [
  ['a query, no Accept', { query: '{ hello }' }, JSON_TYPE],
  ['a query, graphql-response+json', { query: '{ hello }' }, GRAPHQL_RESPONSE],
  [
    'a query, charset in the content type',
    { query: '{ hello }' },
    { 'content-type': 'application/json; charset=utf-8' },
  ],
  [
    'Accept in order',
    { query: '{ hello }' },
    { ...JSON_TYPE, accept: 'application/json, application/graphql-response+json' },
  ],
  ['Accept */*', { query: '{ hello }' }, { ...JSON_TYPE, accept: '*/*' }],
  ['Accept text/html only', { query: '{ hello }' }, { ...JSON_TYPE, accept: 'text/html' }],
  ['Accept multipart', { query: '{ hello }' }, { ...JSON_TYPE, accept: 'multipart/mixed' }],
  [
    'variables and an operation name',
    { query: 'query Q($n: Int!) { echo(n: $n) }', variables: { n: 3 }, operationName: 'Q' },
    GRAPHQL_RESPONSE,
  ],
  [
    'null variables and operation name',
    { query: '{ hello }', variables: null, operationName: null },
    GRAPHQL_RESPONSE,
  ],
  [
    'a variable of the wrong type',
    { query: 'query Q($n: Int!) { echo(n: $n) }', variables: { n: 'x' } },
    GRAPHQL_RESPONSE,
  ],
  [
    'a variable of the wrong type, application/json',
    { query: 'query Q($n: Int!) { echo(n: $n) }', variables: { n: 'x' } },
    JSON_TYPE,
  ],
  ['an unknown operation name', { query: '{ hello }', operationName: 'Nope' }, GRAPHQL_RESPONSE],
  ['a validation error', { query: '{ nope }' }, GRAPHQL_RESPONSE],
  ['a validation error, application/json', { query: '{ nope }' }, JSON_TYPE],
  ['a syntax error', { query: '{ hello' }, GRAPHQL_RESPONSE],
  ['a field error from the subgraph', { query: '{ hello fail }' }, GRAPHQL_RESPONSE],
  ['a mutation', { query: 'mutation { bump }' }, GRAPHQL_RESPONSE],
  ['no query', { variables: {} }, GRAPHQL_RESPONSE],
  ['a query that is not a string', { query: 1 }, GRAPHQL_RESPONSE],
  ['an unknown parameter', { query: '{ hello }', other: 1 }, GRAPHQL_RESPONSE],
  ['an operation that names subscription', { query: '{ hello } # subscription' }, GRAPHQL_RESPONSE],
  ['a body that is not JSON', '{"query":', GRAPHQL_RESPONSE],
  ['an array body', [{ query: '{ hello }' }], GRAPHQL_RESPONSE],
];

describe('the JSON fast path', () => {
  let subgraph: RunningServer;
  let fast: TestGateway;
  let slow: TestGateway;
  let fastUrl: string;
  let slowUrl: string;
  let bumps = 0;

  before(async () => {
    subgraph = await serveGraphQL({
      schema: apolloSubgraph(
        `${fed2('@key')} type Query { hello: String echo(n: Int!): Int fail: String } type Mutation { bump: Int }`,
        {
          Query: {
            hello: () => 'world',
            echo: (_: unknown, { n }: { n: number }) => n,
            fail: () => {
              throw new Error('no');
            },
          },
          Mutation: { bump: () => ++bumps },
        },
      ),
    });
    const subgraphs = [{ name: 'a', kind: 'federation' as const, url: subgraph.url }];
    fast = await startTestGateway({ subgraphs });
    slow = await startTestGateway({ subgraphs, server: { fastPath: false } });
    fastUrl = (await fast.listen()).url;
    slowUrl = (await slow.listen()).url;
  });
  after(async () => {
    await fast?.close();
    await slow?.close();
    await subgraph?.close();
  });

  for (const [what, body, headers] of cases) {
    it(`${what}: the same answer as Yoga's`, async () => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const before = bumps;
      const expected = await send(slowUrl, text, headers);
      const actual = await send(fastUrl, text, headers);
      // A mutation runs once per gateway: its answers differ by one.
      if (what === 'a mutation') {
        assert.equal(bumps, before + 2);
        assert.deepEqual(JSON.parse(actual.body), { data: { bump: before + 2 } });
        assert.deepEqual({ ...actual, body: '' }, { ...expected, body: '' });
        return;
      }
      assert.deepEqual(actual, expected);
    });
  }

  it('a body over limits.maxRequestBodySize: the same 413 as Yoga, with or without a Content-Length', async () => {
    const big = JSON.stringify({ query: `{ hello } # ${'x'.repeat(1024 * 1024)}` });
    const expected = await send(slowUrl, big, JSON_TYPE);
    assert.equal(expected.status, 413);
    assert.deepEqual(await send(fastUrl, big, JSON_TYPE), expected);
    // Chunked, no Content-Length: counted while reading.
    const chunked = await new Promise<Answer>((resolve, reject) => {
      const request = httpRequest(fastUrl, { method: 'POST', headers: JSON_TYPE }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            type: response.headers['content-type'] ?? null,
            body: text,
          }),
        );
      });
      request.on('error', reject);
      for (let i = 0; i < 16; i++)
        request.write(big.slice(i * (big.length / 16), (i + 1) * (big.length / 16)));
      request.end();
    });
    assert.deepEqual(chunked, expected);
  });

  it('an error thrown by a hook: the same answer as Yoga (status and headers of the error)', async () => {
    const refusing: Room = {
      name: 'refusing',
      plugin: {
        onParams() {
          throw createGraphQLError('slow down', {
            extensions: { code: 'RATE_LIMITED', http: { status: 429, headers: { 'retry-after': '7' } } },
          });
        },
      },
    };
    const subgraphs = [{ name: 'a', kind: 'federation' as const, url: subgraph.url }];
    const on = await startTestGateway({ subgraphs }, { rooms: [refusing] });
    const off = await startTestGateway({ subgraphs, server: { fastPath: false } }, { rooms: [refusing] });
    try {
      const [onUrl, offUrl] = [(await on.listen()).url, (await off.listen()).url];
      const expected = await fetch(offUrl, {
        method: 'POST',
        headers: JSON_TYPE,
        body: '{"query":"{ hello }"}',
      });
      const actual = await fetch(onUrl, {
        method: 'POST',
        headers: JSON_TYPE,
        body: '{"query":"{ hello }"}',
      });
      assert.equal(actual.status, 429);
      assert.equal(actual.status, expected.status);
      assert.equal(actual.headers.get('retry-after'), expected.headers.get('retry-after'));
      assert.deepEqual(await actual.json(), await expected.json());
    } finally {
      await on.close();
      await off.close();
    }
  });

  it('is off when a room adds plugins of its own (onPluginInit), so their request hooks run', async () => {
    const guard: Room = {
      name: 'guard',
      plugin: {
        onPluginInit({ addPlugin }) {
          addPlugin({
            onRequest({ endResponse, fetchAPI }) {
              endResponse(new fetchAPI.Response('blocked', { status: 403 }));
            },
          });
        },
      },
    };
    const gateway = await startTestGateway(
      { subgraphs: [{ name: 'a', kind: 'federation', url: subgraph.url }] },
      { rooms: [guard] },
    );
    try {
      const { url } = await gateway.listen();
      assert.equal((await send(url, '{"query":"{ hello }"}', JSON_TYPE)).status, 403);
    } finally {
      await gateway.close();
    }
  });

  it('answers with a content-length, and keeps the connection for the next request', async () => {
    const response = await fetch(fastUrl, {
      method: 'POST',
      headers: JSON_TYPE,
      body: '{"query":"{ hello }"}',
    });
    assert.equal(response.headers.get('content-length'), String(Buffer.byteLength(await response.text())));
  });

  it('is off when a room hooks every request, and that room sees the request', async () => {
    let seen = 0;
    const watcher: Room = { name: 'watcher', plugin: { onRequest: () => void seen++ } };
    const gateway = await startTestGateway(
      { subgraphs: [{ name: 'a', kind: 'federation', url: subgraph.url }] },
      { rooms: [watcher] },
    );
    try {
      const { url } = await gateway.listen();
      const answer = await send(url, '{"query":"{ hello }"}', JSON_TYPE);
      assert.deepEqual(JSON.parse(answer.body), { data: { hello: 'world' } });
      assert.equal(seen, 1);
    } finally {
      await gateway.close();
    }
  });
});
