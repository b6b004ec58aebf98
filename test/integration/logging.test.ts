import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { resolveConfig } from '../../gateway/config/index.ts';
import { createGateway } from '../../gateway/create-gateway.ts';
import { createLogger } from '../../gateway/logger/index.ts';
import { startHealthySubgraph, writeBrokenSdl } from '../helpers/fault-graph.ts';

/** A loopback URL nothing listens on: a port taken from the OS, then released. */
async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/graphql`;
}

describe('logging of upstream failures', () => {
  it('reports a subgraph that is down once as a warning, not as an error per failed field', async () => {
    const healthy = await startHealthySubgraph();
    const broken = await writeBrokenSdl();
    const lines: string[] = [];
    const config = resolveConfig(
      {
        server: { port: 0 },
        subgraphs: [
          { name: 'healthy', kind: 'federation', url: healthy.url },
          { name: 'broken', kind: 'federation', url: await refusedUrl(), schemaFile: broken.file },
        ],
      },
      { env: {} },
    );
    const gateway = createGateway({
      config,
      logger: createLogger({ level: 'info', write: (l) => lines.push(l) }),
      env: {},
    });
    try {
      await gateway.start();
      for (let i = 0; i < 5; i++) {
        const response = await gateway.yoga.fetch('http://gateway/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ hello products { name price } }' }),
        });
        const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
        assert.ok(body.errors?.every((e) => e.extensions?.code === 'SUBGRAPH_UNAVAILABLE'));
        assert.ok((body.errors?.length ?? 0) > 0);
      }
      assert.deepEqual(
        lines.filter((l) => l.includes(' ERROR ')),
        [],
      );
      // The operator still hears of it: once, not once per failed call.
      const warnings = lines.filter((l) => l.includes(' WARN ') && l.includes('"serviceName":"broken"'));
      assert.equal(warnings.length, 1, lines.join(''));
      assert.match(warnings[0]!, /"code":"SUBGRAPH_UNAVAILABLE"/);
    } finally {
      await gateway.close();
      await healthy.close();
      await broken.remove();
    }
  });

  it('warns of a GATEHOUSE_SUBGRAPH_<NAME>_URL that names no subgraph, and not of one that does', async () => {
    await using healthy = await startHealthySubgraph();
    const lines: string[] = [];
    const env = {
      GATEHOUSE_SUBGRAPH_HEALTHY_URL: healthy.url,
      GATEHOUSE_SUBGRAPH_HEALTHI_URL: 'http://127.0.0.1:9/graphql',
    };
    const config = resolveConfig(
      { server: { port: 0 }, subgraphs: [{ name: 'healthy', kind: 'federation', url: healthy.url }] },
      { env },
    );
    const gateway = createGateway({
      config,
      logger: createLogger({ level: 'info', write: (l) => lines.push(l) }),
      env,
    });
    try {
      await gateway.start();
      const warnings = lines.filter((l) => l.includes(' WARN ') && l.includes('GATEHOUSE_SUBGRAPH_'));
      assert.equal(warnings.length, 1, lines.join(''));
      assert.match(
        warnings[0]!,
        /GATEHOUSE_SUBGRAPH_HEALTHI_URL is set, but no subgraph has that name.*Subgraphs: healthy/,
      );
    } finally {
      await gateway.close();
    }
  });
});
