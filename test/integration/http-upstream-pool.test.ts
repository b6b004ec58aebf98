/**
 * The pooled upstream client against a real loopback server that counts TCP connections:
 * keep-alive reuses connections, the per-origin limit caps them, timeouts and failures map to
 * catalogue codes.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { isGatewayError } from '../../core/errors.ts';
import { createUpstreamClient, type UpstreamClientOptions } from '../../gateway/http/index.ts';
import { CLOSED_PORT } from '../helpers/fault-servers.ts';

const OPTIONS: UpstreamClientOptions = {
  connections: 128,
  pipelining: 1,
  connectTimeout: 5_000,
  headersTimeout: 30_000,
  bodyTimeout: 30_000,
  keepAliveTimeout: 30_000,
  requestTimeout: 30_000,
  maxResponseSize: 64 * 1024 * 1024,
};

/** Answers `{"ok":true}` after holding each request a little, so that concurrent requests overlap. */
async function countingServer(holdMs: number) {
  let connections = 0;
  let open = 0;
  let maxOpen = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      }, holdMs),
    );
  });
  server.on('connection', (socket) => {
    connections++;
    open++;
    maxOpen = Math.max(maxOpen, open);
    socket.on('close', () => open--);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    connections: () => connections,
    maxOpen: () => maxOpen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('the pooled upstream client', () => {
  let server: Awaited<ReturnType<typeof countingServer>>;
  before(async () => {
    server = await countingServer(30);
  });
  after(async () => {
    await server?.close();
  });

  it('reuses keep-alive connections for sequential requests', async () => {
    const fresh = await countingServer(0);
    const client = createUpstreamClient(OPTIONS);
    try {
      for (let i = 0; i < 20; i++) {
        const response = await client.request({
          serviceName: 's',
          url: fresh.url,
          method: 'POST',
          body: '{}',
        });
        assert.equal(response.status, 200);
        assert.equal(response.body, '{"ok":true}');
      }
      // undici may open a second connection while the first is being released; never more.
      assert.ok(fresh.connections() <= 2, `connections: ${fresh.connections()}`);
    } finally {
      await client.close();
      await fresh.close();
    }
  });

  it('never opens more connections per origin than `connections`', async () => {
    const limited = await countingServer(30);
    const client = createUpstreamClient({ ...OPTIONS, connections: 2 });
    try {
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => client.request({ serviceName: 's', url: limited.url })),
      );
      assert.ok(responses.every((r) => r.status === 200));
      assert.ok(limited.maxOpen() <= 2, `open at once: ${limited.maxOpen()}`);
      assert.ok(limited.connections() <= 2, `connections: ${limited.connections()}`);
    } finally {
      await client.close();
      await limited.close();
    }
  });

  it('opens more connections when the limit allows (the server does see concurrency)', async () => {
    const client = createUpstreamClient({ ...OPTIONS, connections: 8 });
    try {
      await Promise.all(
        Array.from({ length: 10 }, () => client.request({ serviceName: 's', url: server.url })),
      );
      assert.ok(server.maxOpen() > 2, `open at once: ${server.maxOpen()}`);
    } finally {
      await client.close();
    }
  });

  it('refuses a response larger than maxResponseSize as SUBGRAPH_BAD_RESPONSE', async () => {
    const client = createUpstreamClient({ ...OPTIONS, maxResponseSize: 4 });
    try {
      await assert.rejects(client.request({ serviceName: 'big', url: server.url }), (error) => {
        assert.ok(isGatewayError(error));
        assert.equal(error.extensions.code, 'SUBGRAPH_BAD_RESPONSE');
        assert.equal(error.extensions.serviceName, 'big');
        return true;
      });
      // The same answer fits under the default limit.
      const roomy = createUpstreamClient(OPTIONS);
      const ok = await roomy.request({ serviceName: 'big', url: server.url }).finally(() => roomy.close());
      assert.equal(ok.body, '{"ok":true}');
    } finally {
      await client.close();
    }
  });

  it('maps an invalid URL to SUBGRAPH_UNAVAILABLE without waiting for the deadline', async () => {
    const client = createUpstreamClient(OPTIONS);
    try {
      await assert.rejects(client.request({ serviceName: 'nowhere', url: '' }), (error) => {
        assert.ok(isGatewayError(error));
        assert.equal(error.extensions.code, 'SUBGRAPH_UNAVAILABLE');
        return true;
      });
    } finally {
      await client.close();
    }
  });

  it('maps a refused connection to SUBGRAPH_UNAVAILABLE with the service name', async () => {
    const client = createUpstreamClient(OPTIONS);
    try {
      const port = CLOSED_PORT;
      await assert.rejects(
        client.request({ serviceName: 'gone', url: `http://127.0.0.1:${port}/` }),
        (error) => {
          assert.ok(isGatewayError(error));
          assert.equal(error.extensions.code, 'SUBGRAPH_UNAVAILABLE');
          assert.equal(error.extensions.serviceName, 'gone');
          return true;
        },
      );
    } finally {
      await client.close();
    }
  });

  it('maps the request deadline to GATEWAY_TIMEOUT', async () => {
    const client = createUpstreamClient(OPTIONS);
    try {
      await assert.rejects(client.request({ serviceName: 'slow', url: server.url, timeout: 1 }), (error) => {
        assert.ok(isGatewayError(error));
        assert.equal(error.extensions.code, 'GATEWAY_TIMEOUT');
        assert.equal(error.extensions.serviceName, 'slow');
        return true;
      });
    } finally {
      await client.close();
    }
  });

  it('aborts when the caller signal aborts', async () => {
    const client = createUpstreamClient(OPTIONS);
    const controller = new AbortController();
    try {
      const pending = client.request({ serviceName: 's', url: server.url, signal: controller.signal });
      controller.abort();
      await assert.rejects(pending, (error) => {
        assert.ok(isGatewayError(error));
        assert.notEqual(error.extensions.code, 'GATEWAY_TIMEOUT');
        return true;
      });
    } finally {
      await client.close();
    }
  });
});
