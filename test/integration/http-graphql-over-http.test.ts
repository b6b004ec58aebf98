/**
 * The GraphQL over HTTP spec as clients see it, in process: media types, GET for queries only,
 * status codes and error codes for bad documents, bodies and content types; health endpoints.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type HealthySubgraph, startHealthySubgraph } from '../helpers/fault-graph.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const GRAPHQL_RESPONSE = 'application/graphql-response+json';

describe('GraphQL over HTTP', () => {
  let healthy: HealthySubgraph;
  let gateway: TestGateway;
  before(async () => {
    healthy = await startHealthySubgraph();
    gateway = await startTestGateway({
      subgraphs: [{ name: 'healthy', kind: 'federation', url: healthy.url }],
    });
  });
  after(async () => {
    await gateway?.close();
    await healthy?.close();
  });

  const send = async (path: string, init: RequestInit = {}) => {
    const response = await gateway.yoga.fetch(`http://gateway${path}`, init);
    const text = await response.text();
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      allow: response.headers.get('allow'),
      body: text
        ? (JSON.parse(text) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> })
        : {},
    };
  };
  const post = (body: unknown, accept = GRAPHQL_RESPONSE, contentType = 'application/json') =>
    send('/graphql', {
      method: 'POST',
      headers: { 'content-type': contentType, accept },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const get = (query: string, accept = GRAPHQL_RESPONSE) =>
    send(`/graphql?query=${encodeURIComponent(query)}`, { headers: { accept } });

  it('POST JSON answers application/graphql-response+json when it is accepted', async () => {
    const { status, type, body } = await post({ query: '{ hello }' });
    assert.equal(status, 200);
    assert.ok(type.startsWith(GRAPHQL_RESPONSE), type);
    assert.deepEqual(body, { data: { hello: 'world' } });
  });

  it('POST JSON answers application/json to clients that accept only that', async () => {
    const { status, type, body } = await post({ query: '{ hello }' }, 'application/json');
    assert.equal(status, 200);
    assert.ok(type.startsWith('application/json'), type);
    assert.deepEqual(body, { data: { hello: 'world' } });
  });

  it('GET runs queries', async () => {
    const { status, type, body } = await get('{ hello }');
    assert.equal(status, 200);
    assert.ok(type.startsWith(GRAPHQL_RESPONSE), type);
    assert.deepEqual(body, { data: { hello: 'world' } });
  });

  it('GET refuses mutations with 405 and Allow: POST, and runs nothing', async () => {
    const before = healthy.bumps();
    const { status, allow, body } = await get('mutation { bump }');
    assert.equal(status, 405);
    assert.equal(allow, 'POST');
    assert.equal(body.data, undefined);
    // The catalogue's code (core/errors.ts: BAD_REQUEST, 400 but for this 405).
    assert.deepEqual(
      body.errors?.map((e) => e.extensions?.code),
      ['BAD_REQUEST'],
    );
    assert.equal(healthy.bumps(), before);
  });

  it('a document that does not parse: 400 and GRAPHQL_PARSE_FAILED', async () => {
    const { status, type, body } = await post({ query: '{ hello ' });
    assert.equal(status, 400);
    assert.ok(type.startsWith(GRAPHQL_RESPONSE), type);
    assert.equal(body.errors?.[0]?.extensions?.code, 'GRAPHQL_PARSE_FAILED');
    assert.equal(body.data, undefined);
  });

  it('a document that does not validate: 400 and GRAPHQL_VALIDATION_FAILED', async () => {
    const { status, type, body } = await post({ query: '{ nope }' });
    assert.equal(status, 400);
    assert.ok(type.startsWith(GRAPHQL_RESPONSE), type);
    assert.equal(body.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
  });

  it('with legacy application/json, request errors are 200 (as the spec says)', async () => {
    const { status, body } = await post({ query: '{ nope }' }, 'application/json');
    assert.equal(status, 200);
    assert.equal(body.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
  });

  it('bad bodies: 400 and BAD_REQUEST', async () => {
    for (const body of ['{"query":', {}, { query: '{ hello }', variables: 'x' }, { query: 42 }]) {
      const response = await post(body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(response.body.errors?.[0]?.extensions?.code, 'BAD_REQUEST', JSON.stringify(body));
    }
  });

  it('a content type that is not JSON: 415', async () => {
    assert.equal((await post('{ hello }', GRAPHQL_RESPONSE, 'text/plain')).status, 415);
    assert.equal((await post('<q/>', GRAPHQL_RESPONSE, 'application/xml')).status, 415);
  });

  it('an Accept header the server cannot satisfy: 406', async () => {
    assert.equal((await post({ query: '{ hello }' }, 'application/xml')).status, 406);
  });

  it('methods other than GET and POST: 405', async () => {
    const { status } = await send('/graphql', { method: 'PUT', body: '{}' });
    assert.equal(status, 405);
  });

  it('/healthz and /readyz answer JSON, never cached', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const response = await gateway.yoga.fetch(`http://gateway${path}`);
      assert.equal(response.status, 200, path);
      assert.ok(response.headers.get('content-type')?.startsWith('application/json'), path);
      assert.equal(response.headers.get('cache-control'), 'no-store', path);
      const body = (await response.json()) as { status: string };
      assert.equal(body.status, path === '/healthz' ? 'ok' : 'ready');
    }
  });
});
