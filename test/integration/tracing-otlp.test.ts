/**
 * Tracing with the SDK built from the config: the OTLP/HTTP exporter sends the spans of an
 * operation to a collector (here a loopback server the test owns) in a batch, flushed when the
 * gateway closes, with the configured headers and `service.name`.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type BenchSubgraphs, startBenchSubgraphs } from '../../subgraphs/bench/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';

interface Export {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

describe('tracing: the OTLP exporter', () => {
  let subgraphs: BenchSubgraphs;
  const exports: Export[] = [];
  const collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      exports.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  let endpoint: string;

  before(async () => {
    subgraphs = await startBenchSubgraphs();
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/traces`;
  });
  after(async () => {
    await subgraphs?.close();
    await new Promise<void>((resolve) => {
      collector.close(() => resolve());
      collector.closeAllConnections();
    });
  });

  it('POSTs the spans to /v1/traces when the gateway closes, with headers and service name', async () => {
    const gateway = await startTestGateway(
      {
        subgraphs: (['accounts', 'products'] as const).map((name) => ({
          name,
          kind: 'federation' as const,
          url: subgraphs[name].url,
        })),
        tracing: {
          enabled: true,
          serviceName: 'gatehouse-otlp-test',
          exporter: { otlp: { endpoint, headers: { 'x-api-key': { env: 'TRACING_KEY' } }, timeout: '5s' } },
        },
      },
      { env: { TRACING_KEY: 'secret-key' } },
    );
    try {
      const { status, body } = await gateway.query('query Top { topProducts(first: 1) { upc name } }');
      assert.equal(status, 200);
      assert.equal(body.errors, undefined);
    } finally {
      // Closing flushes the batch (its delay is seconds: nothing was sent before).
      await gateway.close();
    }
    const posted = exports.filter((e) => e.url === '/v1/traces');
    assert.ok(posted.length >= 1, `an export arrived: ${exports.length} requests`);
    const text = posted.map((e) => e.body).join('\n');
    assert.equal(posted[0]!.method, 'POST');
    assert.equal(posted[0]!.headers['x-api-key'], 'secret-key');
    assert.match(text, /gatehouse-otlp-test/);
    assert.match(text, /graphql\.operation Top/);
    assert.match(text, /graphql\.subgraph products/);
  });

  it('a header whose environment variable is unset stops the start with CONFIG_INVALID', async () => {
    await assert.rejects(
      startTestGateway(
        {
          subgraphs: [{ name: 'accounts', kind: 'federation', url: subgraphs.accounts.url }],
          tracing: {
            enabled: true,
            exporter: { otlp: { endpoint, headers: { 'x-api-key': { env: 'TRACING_KEY' } } } },
          },
        },
        { env: {} },
      ),
      (error: { code?: string; message: string }) =>
        error.code === 'CONFIG_INVALID' && error.message.includes('TRACING_KEY'),
    );
  });
});
