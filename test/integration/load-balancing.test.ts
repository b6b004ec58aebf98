/**
 * Several URLs per subgraph, with real loopback servers: round robin, a URL killed under load
 * (ejected, then back), weighted counts, header pinning, every URL down, active health checks.
 * The subgraph's own `url` is a closed loopback port: every call must be rewritten to a target.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GatehouseError } from '../../core/errors.ts';
import type { GatehouseConfigInput } from '../../gateway/config/index.ts';
import { createLogger, type Logger } from '../../gateway/logger/index.ts';
import { startRestServer } from '../fixtures/rest/rest-server.ts';
import { shopApi } from '../fixtures/rest/shop-api.ts';
import { type BalancedServer, startBalancedServer, waitFor } from '../helpers/balanced-servers.ts';
import { CLOSED_PORT } from '../helpers/fault-servers.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const SUBGRAPH_URL = `http://127.0.0.1:${CLOSED_PORT}/products`;

/** A logger that keeps its lines, for waiting on state changes (ejected, unhealthy, healthy). */
function recordingLogger(): Logger & { lines: string[]; count(text: string): number } {
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', write: (line) => void lines.push(line) });
  return Object.assign(logger, {
    lines,
    count: (text: string) => lines.filter((line) => line.includes(text)).length,
  });
}

/** A gateway over `products` (balanced over `targets`) and, when given, a plain `other` subgraph. */
function gatewayOver(
  targets: readonly BalancedServer[],
  loadBalancing: Record<string, unknown>,
  options: { other?: BalancedServer; logger?: Logger } = {},
): Promise<TestGateway> {
  const config = {
    subgraphs: [
      {
        name: 'products',
        kind: 'federation',
        url: SUBGRAPH_URL,
        loadBalancing: {
          ...loadBalancing,
          targets: (loadBalancing.targets as object[] | undefined) ?? targets.map((t) => ({ url: t.url })),
        },
      },
      ...(options.other ? [{ name: 'other', kind: 'federation', url: options.other.url }] : []),
    ],
  } as GatehouseConfigInput;
  return startTestGateway(config, { logger: options.logger });
}

const servers: BalancedServer[] = [];
async function server(value: string, field = 'version'): Promise<BalancedServer> {
  const made = await startBalancedServer(field, value);
  servers.push(made);
  return made;
}
after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

describe('load balancing', () => {
  it('spreads calls over two URLs in turn', async () => {
    const [a, b] = [await server('a'), await server('b')];
    const gateway = await gatewayOver([a, b], {});
    try {
      const seen: string[] = [];
      for (let i = 0; i < 10; i++) {
        const { body } = await gateway.query<{ version: string }>('{ version }');
        assert.equal(body.errors, undefined);
        seen.push(body.data!.version);
      }
      assert.deepEqual([a.hits(), b.hits()], [5, 5]);
      assert.ok(
        seen.every((v, i) => i === 0 || v !== seen[i - 1]),
        `alternates: ${seen.join('')}`,
      );
    } finally {
      await gateway.close();
    }
  });

  it('loses no request after a killed URL is ejected, and takes it back once it is up again', async () => {
    const [a, b] = [await server('a'), await server('b')];
    const logger = recordingLogger();
    const gateway = await gatewayOver(
      [a, b],
      {
        // The health check (every 50 ms) sees it down well before its first ejection ends.
        outlierDetection: { consecutiveFailures: 2, baseEjectionTime: 500, maxEjectionTime: 1_000 },
        healthCheck: { path: '/health', interval: 50, healthyThreshold: 1, unhealthyThreshold: 1 },
      },
      { logger },
    );
    try {
      const failed: number[] = [];
      const run = async (from: number, count: number) => {
        for (let i = from; i < from + count; i++) {
          const { body } = await gateway.query('{ version }');
          if (body.errors !== undefined) failed.push(i);
        }
      };
      await run(0, 50);
      assert.deepEqual(failed, []);
      await a.stop();
      await run(50, 150);
      // At most the failures that eject it (or none, when a health check saw it first), right
      // after the kill; none after.
      assert.ok(failed.length <= 2, `failed: ${failed.join(', ')}`);
      assert.ok(
        failed.every((i) => i < 60),
        `failed: ${failed.join(', ')}`,
      );
      // Back on the same port: once its health check and its ejection time agree, it takes calls.
      const before = a.hits();
      await a.restart();
      let i = 200;
      const deadline = Date.now() + 15_000;
      while (a.hits() === before) {
        assert.ok(
          Date.now() < deadline,
          `the restarted URL never took calls again; log: ${logger.lines.join('')}`,
        );
        await run(i++, 1);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.deepEqual(
        failed.filter((n) => n >= 60),
        [],
      );
      assert.ok(logger.count('rejoins') + logger.count('healthy again') >= 1);
    } finally {
      await gateway.close();
    }
  });

  it('sends exactly 95 of 100 calls to the URL of weight 95 and 5 to that of weight 5', async () => {
    const [v1, v2] = [await server('v1'), await server('v2')];
    const gateway = await gatewayOver([v1, v2], {
      strategy: 'weighted',
      targets: [
        { url: v1.url, weight: 95 },
        { url: v2.url, weight: 5 },
      ],
    });
    try {
      for (let i = 0; i < 100; i++) {
        const { body } = await gateway.query('{ version }');
        assert.equal(body.errors, undefined);
      }
      assert.deepEqual([v1.hits(), v2.hits()], [95, 5]);
    } finally {
      await gateway.close();
    }
  });

  it('sends the calls of a request pinned by its header to that version only', async () => {
    const [v1, v2] = [await server('v1'), await server('v2')];
    const gateway = await gatewayOver([v1, v2], {
      pinHeader: 'x-subgraph-version',
      targets: [
        { url: v1.url, version: 'v1' },
        { url: v2.url, version: 'v2' },
      ],
    });
    try {
      for (let i = 0; i < 6; i++) {
        const { body } = await gateway.query<{ version: string }>('{ version }', undefined, {
          'x-subgraph-version': 'v2',
        });
        assert.equal(body.data?.version, 'v2');
      }
      assert.deepEqual([v1.hits(), v2.hits()], [0, 6]);
      // Unpinned (or pinned to no known version): balanced as usual.
      await gateway.query('{ version }');
      await gateway.query('{ version }', undefined, { 'x-subgraph-version': 'v7' });
      assert.deepEqual([v1.hits(), v2.hits()], [1, 7]);
    } finally {
      await gateway.close();
    }
  });

  it('answers SUBGRAPH_CIRCUIT_OPEN when every URL is down, with the other subgraphs’ data', async () => {
    const [a, b, other] = [await server('a'), await server('b'), await server('x', 'other')];
    const logger = recordingLogger();
    const gateway = await gatewayOver(
      [a, b],
      { healthCheck: { query: '{ __typename }', interval: 50, healthyThreshold: 1, unhealthyThreshold: 1 } },
      { other, logger },
    );
    try {
      await a.stop();
      await b.stop();
      await waitFor(() => logger.count('is unhealthy') >= 2, 'both URLs marked unhealthy');
      const { status, body } = await gateway.query<{ version: string | null; other: string }>(
        '{ version other }',
      );
      assert.equal(status, 200);
      assert.deepEqual(body.data, { version: null, other: 'x' });
      assert.equal(body.errors?.length, 1);
      const extensions = body.errors?.[0]?.extensions;
      assert.equal(extensions?.code, 'SUBGRAPH_CIRCUIT_OPEN');
      assert.equal(extensions?.serviceName, 'products');
      assert.equal(typeof extensions?.retryAfter, 'number');
    } finally {
      await gateway.close();
    }
  });

  it('takes a URL out on its health checks before any client call fails, and back in', async () => {
    const [a, b] = [await server('a'), await server('b')];
    const logger = recordingLogger();
    const gateway = await gatewayOver(
      [a, b],
      {
        healthCheck: { path: '/health', interval: 50, healthyThreshold: 2, unhealthyThreshold: 2 },
        outlierDetection: { enabled: false },
      },
      { logger },
    );
    try {
      a.setHealthy(false);
      await waitFor(() => logger.count('is unhealthy') === 1, 'the URL marked unhealthy');
      const before = a.hits();
      for (let i = 0; i < 10; i++) {
        const { body } = await gateway.query<{ version: string }>('{ version }');
        assert.equal(body.data?.version, 'b');
      }
      assert.equal(a.hits(), before, 'no call went to the unhealthy URL');
      a.setHealthy(true);
      await waitFor(() => logger.count('is healthy again') === 1, 'the URL healthy again');
      await gateway.query('{ version }');
      await gateway.query('{ version }');
      assert.equal(a.hits(), before + 1);
    } finally {
      await gateway.close();
    }
  });

  it('refuses a config with mistakes at startup, each with its path', async () => {
    await assert.rejects(
      gatewayOver([], {
        strategy: 'weighted',
        targets: [{ url: 'http://127.0.0.1:1/a', weight: 0 }, { url: 'http://127.0.0.1:1/a' }],
        healthCheck: { interval: 100 },
      }),
      (error: unknown) => {
        assert.ok(error instanceof GatehouseError);
        assert.equal(error.code, 'CONFIG_INVALID');
        const paths = error.problems.map((problem) => problem.split(':')[0]).sort();
        assert.deepEqual(paths, [
          'subgraphs[0].loadBalancing.healthCheck.path',
          'subgraphs[0].loadBalancing.targets[0].weight',
          'subgraphs[0].loadBalancing.targets[1].url',
        ]);
        return true;
      },
    );
  });

  it('balances a REST API by its base URL, pins included (in-process calls carry the header)', async () => {
    const [v1, v2] = [await startRestServer(shopApi()), await startRestServer(shopApi())];
    const gateway = await startTestGateway({
      subgraphs: [
        {
          kind: 'rest',
          name: 'shop',
          url: `http://127.0.0.1:${CLOSED_PORT}/api`,
          schemaFile: fileURLToPath(new URL('../fixtures/rest/shop.graphql', import.meta.url)),
          loadBalancing: {
            pinHeader: 'x-subgraph-version',
            targets: [
              { url: v1.url, version: 'v1' },
              { url: v2.url, version: 'v2' },
            ],
          },
        },
      ],
    });
    try {
      const product = (headers?: Record<string, string>) =>
        gateway.query<{ product: { name: string } }>('{ product(id: "p1") { name } }', undefined, headers);
      for (let i = 0; i < 4; i++) assert.equal((await product()).body.data?.product.name, 'Chair');
      const counts = () => [v1.count('GET', '/products/p1'), v2.count('GET', '/products/p1')];
      assert.deepEqual(counts(), [2, 2]);
      for (let i = 0; i < 3; i++) await product({ 'x-subgraph-version': 'v2' });
      assert.deepEqual(counts(), [2, 5]);
    } finally {
      await gateway.close();
      await v1.close();
      await v2.close();
    }
  });
});
