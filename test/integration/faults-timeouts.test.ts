/**
 * Deadlines: a subgraph's own `timeout` wins over `upstream.requestTimeout`, undici's headers and
 * body timeouts give GATEWAY_TIMEOUT too, and a client that goes away cancels the upstream request.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GatehouseConfigInput } from '../../gateway/config/index.ts';
import { type HealthySubgraph, startHealthySubgraph, writeBrokenSdl } from '../helpers/fault-graph.ts';
import { type Fault, type FaultServer, startFaultServer } from '../helpers/fault-servers.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

// Long enough that a test relying on it would hit the test's own timeout instead of passing.
const NEVER = 600_000; // 10 min
const TEST = { timeout: 20_000 };

describe('upstream deadlines', () => {
  let healthy: HealthySubgraph;
  let sdl: Awaited<ReturnType<typeof writeBrokenSdl>>;
  const opened: Array<{ close(): Promise<void> }> = [];
  before(async () => {
    healthy = await startHealthySubgraph();
    sdl = await writeBrokenSdl();
  });
  after(async () => {
    for (const thing of opened.reverse()) await thing.close();
    await healthy?.close();
    await sdl?.remove();
  });

  const setup = async (
    fault: Fault,
    upstream: GatehouseConfigInput['upstream'],
    brokenTimeout?: number,
  ): Promise<{ broken: FaultServer; gateway: TestGateway }> => {
    const broken = await startFaultServer(fault);
    opened.push(broken);
    const gateway = await startTestGateway({
      upstream,
      subgraphs: [
        { name: 'healthy', kind: 'federation', url: healthy.url },
        { name: 'broken', kind: 'federation', url: broken.url, schemaFile: sdl.file, timeout: brokenTimeout },
      ],
    });
    opened.push(gateway);
    return { broken, gateway };
  };

  const assertTimedOut = async (gateway: TestGateway) => {
    const { status, body } = await gateway.query('{ hello broken }');
    assert.equal(status, 200);
    assert.deepEqual(body.data, { hello: 'world', broken: null });
    assert.equal(body.errors?.[0]?.extensions?.code, 'GATEWAY_TIMEOUT');
    assert.equal(body.errors?.[0]?.extensions?.serviceName, 'broken');
  };

  it('a subgraph timeout overrides upstream.requestTimeout', TEST, async () => {
    const { gateway } = await setup('slow', { requestTimeout: NEVER, headersTimeout: NEVER }, 200);
    await assertTimedOut(gateway);
  });

  it('headersTimeout ends a request whose answer never starts', TEST, async () => {
    const { gateway } = await setup('slow', { requestTimeout: NEVER, headersTimeout: 200 });
    await assertTimedOut(gateway);
  });

  it('bodyTimeout ends a request whose body stalls', TEST, async () => {
    const { gateway } = await setup('stall-body', { requestTimeout: NEVER, bodyTimeout: 200 });
    await assertTimedOut(gateway);
  });

  it('a client that goes away cancels the upstream request', TEST, async () => {
    const { broken, gateway } = await setup('slow', { requestTimeout: NEVER, headersTimeout: NEVER });
    const { port } = await gateway.listen();
    const body = JSON.stringify({ query: '{ broken }' });
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      path: '/graphql',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.on('error', () => {}); // the socket is destroyed on purpose below
    req.end(body);
    for (let i = 0; i < 200 && broken.requests() === 0; i++) await sleep(25);
    assert.equal(broken.requests(), 1, 'the request reached the subgraph');
    req.destroy();
    for (let i = 0; i < 200 && broken.aborted() === 0; i++) await sleep(25);
    assert.equal(broken.aborted(), 1, 'the upstream request was cancelled');
  });
});
