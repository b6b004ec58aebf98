/**
 * /readyz while the gateway runs: subgraphs are health-checked, required and optional alike, and
 * readiness follows them (503 for a required one down, `degraded` with 200 for an optional one;
 * a GraphQL endpoint asked `{ __typename }`, a REST API's base URL fetched, where any HTTP
 * status is up). Its details go to loopback callers over a socket unless configured otherwise;
 * a request without a socket (in-process) gets the status only.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';
import { after, describe, it } from 'node:test';
import type { GatehouseConfigInput } from '../../gateway/config/index.ts';
import { resolveConfig } from '../../gateway/config/index.ts';
import { createGateway, type Gateway } from '../../gateway/create-gateway.ts';
import { createLogger } from '../../gateway/logger/index.ts';
import type { Room } from '../../gateway/room.ts';
import { buildSubgraphSchema } from '../../schema/federation/build-subgraph-schema.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { type RestServer, startRestServer } from '../fixtures/rest/rest-server.ts';
import { shopApi } from '../fixtures/rest/shop-api.ts';
import { waitFor } from '../helpers/fault-graph.ts';

const SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { hello: String }
`;
const serveHello = (port?: number) =>
  serveGraphQL({
    port,
    schema: buildSubgraphSchema({ typeDefs: SDL, resolvers: { Query: { hello: () => 'world' } } }),
  });

/** A gateway with fast health checks whose log lines are kept. */
async function startGateway(input: GatehouseConfigInput, rooms: readonly Room[] = []) {
  const lines: string[] = [];
  const config = resolveConfig(
    {
      ...input,
      server: { port: 0, ...input.server },
      loading: {
        retryInitialDelay: 50,
        retryMaxDelay: 200,
        healthCheckInterval: 50,
        healthCheckTimeout: 500,
      },
    },
    { env: {} },
  );
  const gateway = createGateway({
    config,
    env: {},
    logger: createLogger({ level: 'info', write: (line) => lines.push(line) }),
    rooms,
  });
  await gateway.start();
  return { gateway, lines };
}

/** GET /readyz in process; `remoteAddress` stands for the client of a real connection. */
async function readyz(gateway: Gateway, remoteAddress?: string) {
  const serverContext =
    remoteAddress === undefined ? {} : { req: { socket: { remoteAddress } } as unknown as IncomingMessage };
  const response = await gateway.yoga.fetch('http://gateway/readyz', {}, serverContext);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function eventuallyStatus(gateway: Gateway, status: number, what: string) {
  let last = 0;
  for (let i = 0; i < 200; i++) {
    last = (await readyz(gateway)).status;
    if (last === status) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`/readyz is ${last}, not ${status}, ${what}`);
}

async function eventuallyReadiness(gateway: Gateway, readiness: string, what: string) {
  let last: unknown;
  for (let i = 0; i < 200; i++) {
    const { status, body } = await readyz(gateway);
    last = body.status;
    if (last === readiness) return status;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`/readyz says ${String(last)}, not ${readiness}, ${what}`);
}

describe('readiness at runtime', () => {
  const opened: Array<{ close(): Promise<void> }> = [];
  after(async () => {
    for (const thing of opened.reverse()) await thing.close();
  });

  it('a required GraphQL subgraph that goes down: 503 while it is down, 200 once back, transitions logged', async () => {
    const first: RunningServer = await serveHello();
    const { gateway, lines } = await startGateway({
      subgraphs: [{ name: 'hello', kind: 'federation', url: first.url, required: true }],
    });
    opened.push(gateway);
    assert.equal((await readyz(gateway)).status, 200);

    await first.close();
    await eventuallyStatus(gateway, 503, 'after the required subgraph went down');
    const down = (await readyz(gateway, '127.0.0.1')).body.subgraphs as Array<{
      name: string;
      reachable?: boolean;
    }>;
    assert.equal(down.find((s) => s.name === 'hello')?.reachable, false);
    await waitFor(() => lines.some((l) => /WARN.*hello.*down/.test(l)), 'a log line saying it is down');

    const again = await serveHello(first.port);
    opened.push(again);
    await eventuallyStatus(gateway, 200, 'once the subgraph is back');
    await waitFor(() => lines.some((l) => /INFO.*hello.*up/.test(l)), 'a log line saying it is up');
  });

  it('an optional subgraph that goes down: 200 and degraded while it is down, ready once back', async () => {
    const kept = await serveGraphQL({
      schema: buildSubgraphSchema({
        typeDefs: SDL.replace('hello', 'kept'),
        resolvers: { Query: { kept: () => 'kept' } },
      }),
    });
    opened.push(kept);
    const first: RunningServer = await serveHello();
    // Closed by the test; closed here too when the test fails before that.
    opened.push({ close: () => first.close().catch(() => undefined) });
    const { gateway, lines } = await startGateway({
      subgraphs: [
        { name: 'kept', kind: 'federation', url: kept.url, required: true },
        { name: 'hello', kind: 'federation', url: first.url },
      ],
    });
    opened.push(gateway);
    assert.deepEqual(await readyz(gateway), { status: 200, body: { status: 'ready' } });

    await first.close();
    const status = await eventuallyReadiness(gateway, 'degraded', 'after the optional subgraph went down');
    assert.equal(status, 200);
    const down = (await readyz(gateway, '127.0.0.1')).body.subgraphs as Array<{
      name: string;
      reachable?: boolean;
    }>;
    assert.equal(down.find((s) => s.name === 'hello')?.reachable, false);
    await waitFor(() => lines.some((l) => /WARN.*hello.*down/.test(l)), 'a log line saying it is down');

    const again = await serveHello(first.port);
    opened.push(again);
    assert.equal(await eventuallyReadiness(gateway, 'ready', 'once it is back'), 200);
  });

  it('a required REST API is up while it answers any status, down when it cannot be reached', async () => {
    const api: RestServer = await startRestServer(shopApi());
    const hello = await serveHello();
    opened.push(hello);
    const shopSdl = new URL('../fixtures/rest/shop.graphql', import.meta.url).pathname;
    const { gateway } = await startGateway({
      subgraphs: [
        { name: 'hello', kind: 'federation', url: hello.url },
        { name: 'shop', kind: 'rest', url: api.url, schemaFile: shopSdl, required: true },
      ],
    });
    opened.push(gateway);
    // The base URL is no endpoint of the API (404): still up.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal((await readyz(gateway)).status, 200);
    await api.close();
    await eventuallyStatus(gateway, 503, 'after the REST API went away');
  });

  it('probes go through the pooled client: its interceptors see them, under the subgraph name', async () => {
    const hello = await serveHello();
    opened.push(hello);
    const seen: Array<{ serviceName: string; body?: string; status?: number }> = [];
    const recorder: Room = {
      name: 'recorder',
      http: (next) =>
        async function recordCall(request) {
          const response = await next(request);
          seen.push({ serviceName: request.serviceName, body: request.body, status: response.status });
          return response;
        },
    };
    const { gateway } = await startGateway(
      { subgraphs: [{ name: 'hello', kind: 'federation', url: hello.url, required: true }] },
      [recorder],
    );
    opened.push(gateway);
    await waitFor(
      () => seen.some((s) => s.body?.includes('__typename') && !s.body.includes('_service')),
      'a health check through the interceptors',
    );
    const probe = seen.find((s) => s.body?.includes('__typename') && !s.body.includes('_service'))!;
    assert.equal(probe.serviceName, 'hello');
    assert.equal(probe.status, 200);
  });

  it('stops probing on close', async () => {
    const hello = await serveHello();
    opened.push(hello);
    const { gateway, lines } = await startGateway({
      subgraphs: [{ name: 'hello', kind: 'federation', url: hello.url, required: true }],
    });
    await gateway.close();
    await hello.close();
    const before = lines.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(lines.length, before, lines.slice(before).join(''));
  });
});

describe('/readyz details', () => {
  const opened: Array<{ close(): Promise<void> }> = [];
  after(async () => {
    for (const thing of opened.reverse()) await thing.close();
  });

  it('go to loopback callers by default; others, and in-process calls without a socket, get the status only', async () => {
    const hello = await serveHello();
    opened.push(hello);
    const { gateway } = await startGateway({
      subgraphs: [{ name: 'hello', kind: 'federation', url: hello.url }],
    });
    opened.push(gateway);
    for (const caller of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      const { body } = await readyz(gateway, caller);
      assert.ok(Array.isArray(body.subgraphs), caller);
    }
    for (const caller of ['203.0.113.7', undefined]) {
      const other = await readyz(gateway, caller);
      assert.equal(other.status, 200);
      assert.deepEqual(other.body, { status: 'ready' }, String(caller));
    }
  });

  // A real connection from a non-loopback address, when this machine has one.
  const external = Object.values(networkInterfaces())
    .flat()
    .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal)?.address;
  it('over real connections: details on loopback, the status only from another address', {
    skip: external === undefined && 'no non-loopback IPv4 address here',
  }, async () => {
    const hello = await serveHello();
    opened.push(hello);
    const subgraphs = [{ name: 'hello', kind: 'federation' as const, url: hello.url }];
    const local = await startGateway({ subgraphs });
    opened.push(local.gateway);
    const onLoopback = new URL('/readyz', (await local.gateway.listen()).url);
    assert.ok(Array.isArray(((await (await fetch(onLoopback)).json()) as { subgraphs?: unknown }).subgraphs));
    const outside = await startGateway({ server: { host: external! }, subgraphs });
    opened.push(outside.gateway);
    const fromOutside = new URL('/readyz', (await outside.gateway.listen()).url);
    const response = await fetch(fromOutside);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ready' });
  });

  it('follow server.readyDetails: always, never', async () => {
    const hello = await serveHello();
    opened.push(hello);
    const subgraphs = [{ name: 'hello', kind: 'federation' as const, url: hello.url }];
    const always = await startGateway({ server: { readyDetails: 'always' }, subgraphs });
    opened.push(always.gateway);
    assert.ok(Array.isArray((await readyz(always.gateway, '203.0.113.7')).body.subgraphs));
    assert.ok(Array.isArray((await readyz(always.gateway)).body.subgraphs));
    const never = await startGateway({ server: { readyDetails: 'never' }, subgraphs });
    opened.push(never.gateway);
    assert.deepEqual((await readyz(never.gateway, '127.0.0.1')).body, { status: 'ready' });
  });
});
