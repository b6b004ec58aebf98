/**
 * Prometheus `/metrics` of a gateway over real loopback subgraphs: requests by operation, status
 * and type (fast path and Yoga), subgraph latency and errors, cache hits, rate-limit decisions,
 * the schema in service, plans cached, process metrics; label cardinality bounded; metrics on a
 * port of their own; nothing served when off. Scrapes are parsed by a real text-format parser.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashApiKey } from '../../gateway/auth/index.ts';
import { type GatehouseConfigInput, resolveConfig } from '../../gateway/config/index.ts';
import { createGateway, type Gateway } from '../../gateway/create-gateway.ts';
import { serve } from '../../gateway/main.ts';
import { startHealthySubgraph, writeBrokenSdl } from '../helpers/fault-graph.ts';
import { CLOSED_PORT, freePort } from '../helpers/fault-servers.ts';
import { recordingLogger } from '../helpers/logger.ts';
import { parseMetrics, samples, total } from '../helpers/prometheus-text.ts';

interface Served {
  gateway: Gateway;
  logged: ReturnType<typeof recordingLogger>['lines'];
  url: string;
  base: string;
  post(query: string, headers?: Record<string, string>, operationName?: string): Promise<number>;
  scrape(at?: string): Promise<ReturnType<typeof parseMetrics>>;
  close(): Promise<void>;
}

async function serveGateway(
  input: (healthyUrl: string, brokenFile: string) => GatehouseConfigInput,
): Promise<Served> {
  const healthy = await startHealthySubgraph();
  const broken = await writeBrokenSdl();
  const config = resolveConfig(input(healthy.url, broken.file), { env: {} });
  const logger = recordingLogger();
  const gateway = createGateway({ config, logger, env: {} });
  const { url } = await gateway.listen();
  const base = new URL(url).origin;
  return {
    gateway,
    logged: logger.lines,
    url,
    base,
    async post(query, headers = {}, operationName) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, operationName }),
      });
      await response.arrayBuffer();
      return response.status;
    },
    async scrape(at = `${base}/metrics`) {
      const response = await fetch(at);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      return parseMetrics(await response.text());
    },
    async close() {
      await gateway.close();
      await healthy.close();
      await broken.remove();
    },
  };
}

const graph = (healthyUrl: string, brokenFile: string): GatehouseConfigInput => ({
  server: { port: 0 },
  subgraphs: [
    { name: 'healthy', kind: 'federation', url: healthyUrl },
    {
      name: 'broken',
      kind: 'federation',
      url: `http://127.0.0.1:${CLOSED_PORT}/graphql`,
      schemaFile: brokenFile,
    },
  ],
});

describe('/metrics', () => {
  it('counts requests, subgraph calls and their errors, cache lookups and rate-limit decisions', async () => {
    const served = await serveGateway((healthy, broken) => ({
      ...graph(healthy, broken),
      cache: { defaultMaxAge: 60, response: { enabled: true } },
      rateLimit: {
        limits: [{ name: 'per-client', by: 'header:x-client', whenMissing: 'skip', limit: 1, window: '1h' }],
      },
    }));
    try {
      // Fast path: two identical queries (the second from the response cache).
      assert.equal(await served.post('query Hello { hello }'), 200);
      assert.equal(await served.post('query Hello { hello }'), 200);
      // A failing subgraph: partial answer, HTTP 200, its call counted as an error.
      assert.equal(await served.post('query Broken { broken }'), 200);
      // A rate-limited request: the second of a client allowed one.
      assert.equal(await served.post('query Limited { hello }', { 'x-client': 'greedy' }), 200);
      assert.equal(await served.post('query Limited { hello }', { 'x-client': 'greedy' }), 429);
      // Yoga's path (a GET): counted the same way.
      const get = await fetch(`${served.url}?query=${encodeURIComponent('query ViaGet { hello }')}`, {
        headers: { accept: 'application/json' },
      });
      assert.equal(get.status, 200);
      await get.arrayBuffer();
      // A document that does not validate: never ran, so no operation type.
      await served.post('{ nope }');

      const m = await served.scrape();
      // The metrics rooms leave the JSON fast path on (it logs at debug when a room turns it off).
      assert.deepEqual(
        served.logged.filter((l) => l.message.includes('fast path is off')),
        [],
      );
      const requests = 'gatehouse_graphql_requests_total';
      assert.equal(m.get(requests)?.type, 'COUNTER');
      assert.equal(
        total(m, requests, { operation_name: 'Hello', operation_type: 'query', status: '200' }),
        2,
      );
      assert.equal(
        total(m, requests, { operation_name: 'Broken', operation_type: 'query', status: '200' }),
        1,
      );
      assert.equal(
        total(m, requests, { operation_name: 'Limited', operation_type: 'query', status: '200' }),
        1,
      );
      // Refused before it ran: its name is known (it ran once), its type is not.
      assert.equal(
        total(m, requests, { operation_name: 'Limited', operation_type: 'unknown', status: '429' }),
        1,
      );
      assert.equal(
        total(m, requests, { operation_name: 'ViaGet', operation_type: 'query', status: '200' }),
        1,
      );
      assert.equal(total(m, requests, { operation_name: '__anonymous', operation_type: 'unknown' }), 1);
      // The scrape itself is not a GraphQL request.
      assert.equal(total(m, requests), 7);

      const duration = 'gatehouse_graphql_request_duration_seconds';
      assert.equal(m.get(duration)?.type, 'HISTOGRAM');
      assert.equal(total(m, `${duration}_count`, { operation_name: 'Hello', operation_type: 'query' }), 2);
      assert.equal(total(m, `${duration}_bucket`, { operation_name: 'Hello', le: '+Inf' }), 2);
      assert.ok(total(m, `${duration}_sum`, { operation_name: 'Hello' }) > 0);
      assert.equal(total(m, `${duration}_count`, { operation_name: 'Broken' }), 1);

      // Subgraph calls: healthy answered (Hello once, the other once from the cache), broken failed.
      const calls = 'gatehouse_subgraph_request_duration_seconds';
      assert.equal(m.get(calls)?.type, 'HISTOGRAM');
      assert.ok(total(m, `${calls}_count`, { subgraph: 'healthy' }) >= 3);
      assert.equal(total(m, `${calls}_count`, { subgraph: 'broken' }), 1);
      assert.equal(
        total(m, 'gatehouse_subgraph_errors_total', { subgraph: 'broken', code: 'SUBGRAPH_UNAVAILABLE' }),
        1,
      );
      assert.equal(samples(m, 'gatehouse_subgraph_errors_total', { subgraph: 'healthy' }).length, 0);

      // The response cache: Hello's second request was a hit.
      const cache = 'gatehouse_cache_lookups_total';
      assert.equal(total(m, cache, { cache: 'response', result: 'hit' }), 1);
      assert.ok(total(m, cache, { cache: 'response', result: 'miss' }) >= 3);

      const limits = 'gatehouse_rate_limit_decisions_total';
      assert.equal(total(m, limits, { limit: 'per-client', scope: 'request', decision: 'allowed' }), 1);
      assert.equal(total(m, limits, { limit: 'per-client', scope: 'request', decision: 'limited' }), 1);

      // The schema in service, its reloads, the plans cached, the breakers, the process.
      const info = samples(m, 'gatehouse_schema_info');
      assert.equal(info.length, 1);
      assert.equal(info[0]!.labels?.version, served.gateway.supergraph.served?.version);
      assert.equal(Number(info[0]!.value), 1);
      assert.equal(total(m, 'gatehouse_schema_reloads_total', { result: 'succeeded' }), 1);
      assert.equal(total(m, 'gatehouse_schema_reloads_total', { result: 'failed' }), 0);
      assert.equal(m.get('gatehouse_plan_cache_entries')?.type, 'GAUGE');
      const breakers = samples(m, 'gatehouse_circuit_breaker_state', { subgraph: 'broken', state: 'closed' });
      assert.equal(breakers.length, 1);
      assert.equal(Number(breakers[0]!.value), 1);
      assert.ok(m.has('gatehouse_process_cpu_seconds_total'));
      assert.ok(m.has('gatehouse_nodejs_eventloop_lag_seconds'));
    } finally {
      await served.close();
    }
  });

  it('bounds operation names: past maxOperationNames they count as __other', async () => {
    const served = await serveGateway((healthy, broken) => ({
      ...graph(healthy, broken),
      metrics: { maxOperationNames: 3, processMetrics: false },
      auth: { apiKeys: { keys: [{ id: 'k', sha256: hashApiKey('the-key') }] } },
    }));
    try {
      for (let i = 0; i < 8; i++) assert.equal(await served.post(`query Op${i} { hello }`), 200);
      // Credential verifications (published by the auth room on its diagnostics channel).
      assert.equal(await served.post('query Op0 { hello }', { 'x-api-key': 'the-key' }), 200);
      assert.equal(await served.post('query Op0 { hello }', { 'x-api-key': 'wrong' }), 401);
      // A known name keeps its label.
      assert.equal(await served.post('query Op0 { hello }'), 200);
      const m = await served.scrape();
      const requests = 'gatehouse_graphql_requests_total';
      const names = new Set(samples(m, requests).map((s) => s.labels?.operation_name));
      assert.deepEqual([...names].sort(), ['Op0', 'Op1', 'Op2', '__other']);
      assert.equal(total(m, requests, { operation_name: 'Op0' }), 4);
      const verifications = 'gatehouse_auth_verifications_total';
      assert.equal(total(m, verifications, { kind: 'api-key', result: 'ok' }), 1);
      assert.equal(total(m, verifications, { kind: 'api-key', result: 'refused' }), 1);
      assert.equal(total(m, requests, { operation_name: '__other' }), 5);
      assert.equal(m.has('gatehouse_process_cpu_seconds_total'), false);
    } finally {
      await served.close();
    }
  });

  it('serves metrics on their own port with metrics.port, and not on the gateway server', async () => {
    const port = await freePort();
    const served = await serveGateway((healthy, broken) => ({
      ...graph(healthy, broken),
      metrics: { port },
    }));
    try {
      assert.equal(await served.post('query Hello { hello }'), 200);
      const m = await served.scrape(`http://127.0.0.1:${port}/metrics`);
      assert.equal(total(m, 'gatehouse_graphql_requests_total', { operation_name: 'Hello' }), 1);
      const other = await fetch(`http://127.0.0.1:${port}/elsewhere`);
      assert.equal(other.status, 404);
      await other.arrayBuffer();
      const onGateway = await fetch(`${served.base}/metrics`);
      assert.notEqual(
        await onGateway.text().then((t) => t.includes('gatehouse_graphql_requests_total')),
        true,
      );
    } finally {
      await served.close();
    }
    // The listener closed with the gateway.
    await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`));
  });

  it('keeps one metrics.port listener across reloads when served by `gatehouse start` (serve)', async () => {
    const healthy = await startHealthySubgraph();
    const port = await freePort();
    const config = resolveConfig(
      {
        server: { port: 0 },
        subgraphs: [{ name: 'healthy', kind: 'federation', url: healthy.url }],
        metrics: { port, processMetrics: false },
        logging: { level: 'silent' },
      },
      { env: {} },
    );
    const gateway = await serve(config);
    try {
      const { url } = await gateway.listen();
      const ask = async () => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: 'query Hello { hello }' }),
        });
        await response.arrayBuffer();
      };
      const scrape = async () => parseMetrics(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
      await ask();
      assert.equal(total(await scrape(), 'gatehouse_graphql_requests_total', { operation_name: 'Hello' }), 1);
      assert.equal((await gateway.reload()).ok, true);
      // The gateway in service now is the new one, with counts of its own.
      await ask();
      await ask();
      assert.equal(total(await scrape(), 'gatehouse_graphql_requests_total', { operation_name: 'Hello' }), 2);
    } finally {
      await gateway.close();
      await healthy.close();
    }
    await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`));
  });

  it('serves nothing with metrics.enabled: false', async () => {
    const served = await serveGateway((healthy, broken) => ({
      ...graph(healthy, broken),
      metrics: { enabled: false },
    }));
    try {
      const response = await fetch(`${served.base}/metrics`);
      assert.equal((await response.text()).includes('gatehouse_'), false);
    } finally {
      await served.close();
    }
  });
});
