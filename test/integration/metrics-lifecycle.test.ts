/**
 * Metrics over a gateway's life: a request whose client leaves before any answer counts as 499
 * (and is logged so), and gateways made and closed again and again (each SIGHUP reload makes one)
 * leave nothing behind: the process metrics are made once per process.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { resolveConfig } from '../../gateway/config/index.ts';
import { createGateway } from '../../gateway/create-gateway.ts';
import { createLogger } from '../../gateway/logger/index.ts';
import { serve } from '../../gateway/main.ts';
import { startHealthySubgraph } from '../helpers/fault-graph.ts';
import { startGatedSubgraph } from '../helpers/gated-subgraph.ts';
import { parseMetrics, total } from '../helpers/prometheus-text.ts';

/** Sends an operation and leaves after `ms` (a load balancer's timeout), without an answer. */
function postAndLeave(url: string, body: string, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } });
    req.on('error', () => resolve());
    req.on('response', () => resolve());
    req.end(body);
    setTimeout(() => {
      req.destroy();
      resolve();
    }, ms);
  });
}

describe('metrics over a gateway life', () => {
  it('counts a request whose client left before any answer as 499, and logs it so', async () => {
    const slow = await startGatedSubgraph();
    const output: string[] = [];
    const config = resolveConfig(
      {
        server: { port: 0 },
        logging: { format: 'json', accessLog: true },
        metrics: { processMetrics: false },
        subgraphs: [{ name: 'slow', kind: 'federation', url: slow.url }],
      },
      { env: {} },
    );
    const logger = createLogger({ format: 'json', level: 'info', write: (l) => output.push(l), env: {} });
    const gateway = createGateway({ config, logger, env: {} });
    try {
      const { url } = await gateway.listen();
      slow.hold();
      await postAndLeave(url, JSON.stringify({ query: 'query Hello { hello }' }), 150);
      let line: Record<string, unknown> | undefined;
      for (let i = 0; i < 200 && line === undefined; i++) {
        line = output.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request');
        if (line === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.equal(line?.status, 499);
      assert.equal(line?.aborted, true);
      assert.equal(line?.operationName, 'Hello');
      assert.equal(typeof line?.requestId, 'string');

      const scrape = parseMetrics(await (await fetch(new URL('/metrics', url))).text());
      const requests = 'gatehouse_graphql_requests_total';
      assert.equal(total(scrape, requests, { operation_name: 'Hello', status: '499' }), 1);
      assert.equal(total(scrape, requests, { status: '200' }), 0);
    } finally {
      slow.open();
      await gateway.close();
      await slow.close();
    }
  });

  it('leaves nothing behind when reloads make and close gateway after gateway', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const healthy = await startHealthySubgraph();
    const config = resolveConfig(
      {
        server: { host: '127.0.0.1', port: 0 },
        logging: { level: 'error' },
        metrics: { processMetrics: true },
        subgraphs: [{ name: 'healthy', kind: 'federation', url: healthy.url }],
      },
      { env: {} },
    );
    const served = await serve(config);
    const heap = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    try {
      const reload = async () => assert.equal((await served.reload()).ok, true);
      for (let i = 0; i < 5; i++) await reload();
      const resources = process.getActiveResourcesInfo().length;
      const before = heap();
      for (let i = 0; i < 40; i++) await reload();
      const grown = (heap() - before) / 2 ** 20;
      assert.ok(process.getActiveResourcesInfo().length <= resources + 2, 'active handles and timers grew');
      // Generous: each gateway that registered its own process metrics stayed reachable (a GC
      // observer and an event loop monitor per registry, never stopped): about 0.3 MiB a reload.
      assert.ok(grown < 6, `the heap grew by ${grown.toFixed(1)} MiB over 40 reloads`);

      // The process metrics are the process's: one GC observer since the first gateway, whose
      // counts go on across reloads (one per gateway would start again from zero at each).
      const { url } = await served.listen();
      const gcs = async () =>
        total(
          parseMetrics(await (await fetch(new URL('/metrics', url))).text()),
          'gatehouse_nodejs_gc_duration_seconds_count',
        );
      for (let i = 0; i < 30; i++) gc();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const counted = await gcs();
      assert.ok(counted >= 5, `${counted} GCs counted of the 30 forced and those before`);
      await reload();
      assert.ok((await gcs()) >= counted, 'the GC count started again after a reload');
    } finally {
      await served.close();
      await healthy.close();
    }
  });
});
