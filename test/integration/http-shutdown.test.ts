import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { resolveConfig } from '../../gateway/config/index.ts';
import { createGateway } from '../../gateway/create-gateway.ts';
import { silentLogger } from '../../gateway/logger/index.ts';
import { writeBrokenSdl } from '../helpers/fault-graph.ts';
import { startFaultServer } from '../helpers/fault-servers.ts';

describe('shutting down with a request that does not finish', () => {
  it('closes its connection once server.shutdownTimeout has passed, and close() resolves', async () => {
    const slow = await startFaultServer('slow');
    const sdl = await writeBrokenSdl();
    const config = resolveConfig(
      {
        server: { port: 0, shutdownTimeout: 100 },
        upstream: { requestTimeout: 600_000, headersTimeout: 600_000 },
        subgraphs: [{ name: 'broken', kind: 'federation', url: slow.url, schemaFile: sdl.file }],
      },
      { env: {} },
    );
    const gateway = createGateway({ config, logger: silentLogger, env: {} });
    try {
      const { url } = await gateway.listen();
      // A client whose request the subgraph never answers.
      const answered = new Promise<string>((resolve) => {
        const req = request(
          url,
          { method: 'POST', headers: { 'content-type': 'application/json' } },
          (res) => {
            res.resume();
            res.on('end', () => resolve(`answered ${res.statusCode}`));
            res.on('error', () => resolve('connection closed'));
          },
        );
        req.on('error', () => resolve('connection closed'));
        req.end(JSON.stringify({ query: '{ broken }' }));
      });
      while (slow.requests() === 0) await new Promise((r) => setTimeout(r, 10));
      // Without the deadline, close() would wait for the upstream (10 minutes here).
      const outcome = await Promise.race([
        gateway.close().then(() => 'closed'),
        new Promise<string>((r) => setTimeout(() => r('still open after 20 s'), 20_000).unref()),
      ]);
      assert.equal(outcome, 'closed');
      assert.equal(await answered, 'connection closed');
    } finally {
      await slow.close(); // first: it ends the upstream request, should close() still be waiting
      await gateway.close();
      await sdl.remove();
    }
  });
});
