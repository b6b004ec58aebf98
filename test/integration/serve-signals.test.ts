/**
 * `serve()` (behind `gatehouse start`) installs SIGINT, SIGTERM and SIGHUP handlers on the
 * process; closing the gateway, or a start that fails to listen, removes every one of them.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { resolveConfig } from '../../gateway/config/index.ts';
import { serve } from '../../gateway/main.ts';
import { startHealthySubgraph } from '../helpers/fault-graph.ts';

// serve() logs to stderr; these tests read its errors, not its log.
process.env.GATEHOUSE_LOG_LEVEL = 'silent';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const counts = () => SIGNALS.map((signal) => process.listenerCount(signal));

describe('serve() and the process signal handlers', () => {
  it('adds one handler per signal and removes them all on close', async () => {
    await using subgraph = await startHealthySubgraph();
    const before = counts();
    const config = resolveConfig({
      server: { host: '127.0.0.1', port: 0 },
      subgraphs: [{ name: 'healthy', kind: 'federation', url: subgraph.url }],
    });
    const gateway = await serve(config);
    assert.deepEqual(
      counts(),
      before.map((n) => n + 1),
    );
    await gateway.close();
    assert.deepEqual(counts(), before);
  });

  it('removes them when listening fails, and says which port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const before = counts();
      const config = resolveConfig({
        server: { host: '127.0.0.1', port },
        subgraphs: [{ name: 'down', kind: 'federation', url: 'http://127.0.0.1:9/graphql', required: false }],
      });
      await assert.rejects(serve(config), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.match(error.message, new RegExp(`port ${port} is in use`));
        return true;
      });
      assert.deepEqual(counts(), before);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('a host name that does not resolve is a config error naming the host', async () => {
    const config = resolveConfig({
      server: { host: 'no-such-host.invalid', port: 0 },
      subgraphs: [{ name: 'down', kind: 'federation', url: 'http://127.0.0.1:9/graphql', required: false }],
    });
    await assert.rejects(serve(config), (error: Error & { code?: string; hints?: string[] }) => {
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.match(error.message, /no-such-host\.invalid does not resolve/);
      return true;
    });
  });
});
