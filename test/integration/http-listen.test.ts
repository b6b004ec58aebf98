/**
 * The real listening server (`gateway.listen()`) on loopback: queries over POST and GET, health
 * endpoints, partial data from a broken subgraph over the wire, and a close that lets an
 * in-flight request finish.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import {
  type HealthySubgraph,
  startHealthySubgraph,
  waitFor,
  writeBrokenSdl,
} from '../helpers/fault-graph.ts';
import { type FaultServer, startFaultServer } from '../helpers/fault-servers.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

/** POSTs JSON on a connection that is not kept alive. */
function postClosing(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        connection: 'close',
        'content-length': Buffer.byteLength(body),
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.end(body);
  });
}

describe('the listening gateway', () => {
  let healthy: HealthySubgraph;
  let broken: FaultServer;
  let sdl: Awaited<ReturnType<typeof writeBrokenSdl>>;
  let gateway: TestGateway;
  let url: string;
  let origin: string;
  before(async () => {
    healthy = await startHealthySubgraph();
    broken = await startFaultServer('slow');
    sdl = await writeBrokenSdl();
    gateway = await startTestGateway({
      subgraphs: [
        { name: 'healthy', kind: 'federation', url: healthy.url },
        // Slow enough that a request is still in flight when close() is called below.
        { name: 'broken', kind: 'federation', url: broken.url, schemaFile: sdl.file, timeout: 500 },
      ],
    });
    ({ url } = await gateway.listen());
    origin = new URL(url).origin;
  });
  after(async () => {
    await gateway?.close();
    await broken?.close();
    await healthy?.close();
    await sdl?.remove();
  });

  it('answers POST and GET on 127.0.0.1 with the port it was given', async () => {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    const posted = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: '{ hello }' }),
    });
    assert.equal(posted.status, 200);
    assert.ok(posted.headers.get('content-type')?.startsWith('application/graphql-response+json'));
    assert.deepEqual(await posted.json(), { data: { hello: 'world' } });

    const got = await fetch(`${url}?query=${encodeURIComponent('{ hello }')}`, {
      headers: { accept: 'application/graphql-response+json' },
    });
    assert.equal(got.status, 200);
    assert.deepEqual(await got.json(), { data: { hello: 'world' } });
  });

  it('serves /healthz and /readyz', async () => {
    const health = await fetch(`${origin}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const ready = await fetch(`${origin}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(((await ready.json()) as { status: string }).status, 'ready');
  });

  it('lets a request in flight finish when it is closed', async () => {
    // `Connection: close`: gateway.close() waits for keep-alive connections busy when it is called.
    const pending = postClosing(url, JSON.stringify({ query: '{ hello broken }' }));
    const before = broken.requests();
    await waitFor(() => broken.requests() > before, 'the request to reach the slow subgraph');
    const closing = gateway.close();
    const response = await pending;
    assert.equal(response.status, 200);
    const body = JSON.parse(response.body) as {
      data: unknown;
      errors: Array<{ extensions: { code: string } }>;
    };
    assert.deepEqual(body.data, { hello: 'world', broken: null });
    assert.equal(body.errors[0]?.extensions.code, 'GATEWAY_TIMEOUT');
    await closing;
    await assert.rejects(fetch(`${origin}/healthz`), 'no longer listening');
  });
});
