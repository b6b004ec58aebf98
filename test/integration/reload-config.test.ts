/**
 * SIGHUP reloads the config of a running `gatehouse start --config x.yaml` (a real child process):
 * a subgraph added to the file is served without a restart; a request in flight across the swap
 * completes on the gateway it started on; a config that does not check keeps the gateway in
 * service and says why. In process, `serve().reload()`: a gateway that cannot start (no schema)
 * is kept out and counted as a failed reload (`/readyz`), a host or port change is warned of
 * (with the address bound) and not applied, concurrent reloads run one
 * at a time with the last config winning, even one asked for from a continuation of the one
 * before.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type GatehouseConfigInput, resolveConfig } from '../../gateway/config/index.ts';
import { createGateway } from '../../gateway/create-gateway.ts';
import { silentLogger } from '../../gateway/logger/index.ts';
import { serve } from '../../gateway/main.ts';
import { type ReloadOutcome, serveReloadable } from '../../gateway/server/reloadable.ts';
import { type GatehouseProcess, spawnGatehouse } from '../helpers/cli.ts';
import { type GatedSubgraph, startGatedSubgraph } from '../helpers/gated-subgraph.ts';
import { recordingLogger } from '../helpers/logger.ts';
import { type ReloadGraph, startReloadGraph } from '../helpers/reload-graph.ts';

const REVIEWS_QUERY = '{ products { id reviews { body } } }';

async function post(url: string, query: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: unknown[] } };
}

/** Waits until `pattern` (global) occurs `count` times in the child's stderr. */
async function waitForLines(child: GatehouseProcess, pattern: RegExp, count: number): Promise<void> {
  for (let i = 0; i < 1_500; i++) {
    if ((child.stderr().match(pattern)?.length ?? 0) >= count) return;
    if (child.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no ${count} × ${pattern} in stderr:\n${child.stderr()}`);
}

describe('SIGHUP reloads the config of a running gatehouse', () => {
  let graph: ReloadGraph;
  let slow: GatedSubgraph;
  let dir: string;
  before(async () => {
    [graph, slow] = await Promise.all([startReloadGraph(), startGatedSubgraph()]);
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-reload-config-'));
  });
  after(async () => {
    slow?.open();
    await Promise.all([graph?.close(), slow?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const yaml = (subgraphs: Array<[string, string]>, extra = '') =>
    [
      'server: { host: 127.0.0.1, port: 0 }',
      'subgraphs:',
      ...subgraphs.map(([name, url]) => `  - { name: ${name}, kind: federation, url: "${url}" }`),
      extra,
    ].join('\n');

  it('serves an added subgraph, finishes the request in flight, and keeps the old config when the new one is broken', async () => {
    const configFile = join(dir, 'gatehouse.yaml');
    const first: Array<[string, string]> = [
      ['products', graph.products.url],
      ['slow', slow.url],
    ];
    writeFileSync(configFile, yaml(first));
    const child = spawnGatehouse(['start', '--config', configFile]);
    try {
      const url = await child.listening();
      await waitForLines(child, /schema in service/g, 1);
      assert.equal((await post(url, REVIEWS_QUERY)).status, 400); // no reviews subgraph yet

      // A request that waits at the slow subgraph while the gateway is swapped under it.
      slow.hold();
      const inFlight = post(url, '{ hello }');
      for (let i = 0; i < 500 && slow.requests() === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(slow.requests(), 1);

      writeFileSync(configFile, yaml([...first, ['reviews', graph.reviews.url]]));
      child.child.kill('SIGHUP');
      await waitForLines(child, /config reloaded/g, 1);
      assert.deepEqual((await post(url, REVIEWS_QUERY)).body, {
        data: {
          products: [
            { id: '1', reviews: [{ body: 'review of Table' }] },
            { id: '2', reviews: [{ body: 'review of Chair' }] },
          ],
        },
      });
      slow.open();
      assert.deepEqual(await inFlight, { status: 200, body: { data: { hello: 'world' } } });
      assert.equal(slow.aborted(), 0);

      // A config that does not check: logged with its problem, the gateway in service stays.
      writeFileSync(configFile, yaml([...first], 'loading: { retryMaxDelay: soon }'));
      child.child.kill('SIGHUP');
      await waitForLines(child, /reload failed; the gateway in service is kept/g, 1);
      assert.match(child.stderr(), /loading\.retryMaxDelay/);
      assert.equal((await post(url, REVIEWS_QUERY)).status, 200);
      assert.equal(child.child.exitCode, null);

      child.child.kill('SIGTERM');
      assert.equal((await child.exited).code, 0);
    } finally {
      slow.open();
      child.kill();
    }
  });
});

describe('serve().reload()', () => {
  let graph: ReloadGraph;
  before(async () => {
    graph = await startReloadGraph();
    process.env.GATEHOUSE_LOG_LEVEL = 'silent';
  });
  after(async () => {
    delete process.env.GATEHOUSE_LOG_LEVEL;
    await graph?.close();
  });

  const config = (subgraphs: Array<[string, string]>, server: GatehouseConfigInput['server'] = {}) =>
    resolveConfig({
      server: { host: '127.0.0.1', port: 0, ...server },
      loading: { retryInitialDelay: 50, retryMaxDelay: 200 },
      subgraphs: subgraphs.map(([name, url]) => ({ name, kind: 'federation' as const, url })),
    });

  it('keeps the gateway in service when the new one has no schema, and does not move the listener', async () => {
    const gateway = await serve(config([['products', graph.products.url]]));
    try {
      const { url } = await gateway.listen();
      const before = gateway.supergraph;
      const down = await gateway.reload(config([['products', 'http://127.0.0.1:9/graphql']]));
      assert.equal(down.ok, false);
      assert.match(down.problems.join('\n'), /no schema/);
      assert.equal(gateway.supergraph, before);
      // Counted on the gateway in service: its /readyz reloads (and the reload metric).
      const readyz = (await (await fetch(new URL('/readyz', url))).json()) as {
        reloads?: {
          succeeded: number;
          failed: number;
          last?: { ok: boolean; source?: string; problem?: string };
        };
      };
      assert.equal(readyz.reloads?.succeeded, 1);
      assert.equal(readyz.reloads?.failed, 1);
      assert.equal(readyz.reloads?.last?.ok, false);
      assert.equal(readyz.reloads?.last?.source, 'reload');
      assert.match(readyz.reloads?.last?.problem ?? '', /no schema/);

      const moved = await gateway.reload(config([['products', graph.products.url]], { port: 1 }));
      assert.equal(moved.ok, true); // applied, but on the listener it had
      assert.notEqual(gateway.supergraph, before);
      assert.equal((await post(url, '{ products { id } }')).status, 200);
    } finally {
      await gateway.close();
    }
  });

  it('warns of a host or port change with the address it is bound to', async () => {
    const logger = recordingLogger();
    const server = await serveReloadable({
      config: config([['products', graph.products.url]]),
      logger,
      create: (next) => createGateway({ config: next, logger: silentLogger }),
    });
    try {
      const moved = await server.reload(config([['products', graph.products.url]], { port: 1 }));
      assert.equal(moved.ok, true);
      const warning = logger.lines.find((l) => l.level === 'warn' && /cannot change/.test(l.message));
      assert.ok(warning, 'no warning');
      assert.ok(
        warning.message.endsWith(`still listening on 127.0.0.1:${server.listening.port}`),
        warning.message,
      );
    } finally {
      await server.close();
    }
  });

  it('runs concurrent reloads one at a time, the last config winning', async () => {
    const gateway = await serve(config([['products', graph.products.url]]));
    try {
      const { url } = await gateway.listen();
      const both: Array<[string, string]> = [
        ['products', graph.products.url],
        ['reviews', graph.reviews.url],
      ];
      const outcomes = await Promise.all([
        gateway.reload(config([['products', graph.products.url]])),
        gateway.reload(config([['products', graph.products.url]])),
        gateway.reload(config(both)),
      ]);
      assert.ok(outcomes.every((o) => o.ok));
      // The first, then one more with the last config: the second was superseded.
      assert.equal(outcomes[1], outcomes[2]);
      assert.equal((await post(url, REVIEWS_QUERY)).status, 200);
    } finally {
      await gateway.close();
    }
  });

  it('never overlaps two swaps, even a reload asked for from the .then of the one before', async () => {
    // Swaps in progress: from a gateway's creation until its first round of loading is done.
    let building = 0;
    let most = 0;
    const built: number[] = [];
    const server = await serveReloadable({
      config: config([['products', graph.products.url]]),
      logger: silentLogger,
      create(next) {
        const gateway = createGateway({ config: next, logger: silentLogger });
        building++;
        most = Math.max(most, building);
        built.push(next.subgraphs.length);
        const start = gateway.start.bind(gateway);
        gateway.start = () => start().finally(() => building--);
        return gateway;
      },
    });
    try {
      const one = config([['products', graph.products.url]]);
      const both = config([
        ['products', graph.products.url],
        ['reviews', graph.reviews.url],
      ]);
      // A reload waits while the first runs; another is asked for from the first's continuation,
      // as the first settles (where the old queue let it start beside the waiting one): it
      // joins the waiting one, and its config, the last asked for, wins.
      let fromContinuation: Promise<ReloadOutcome> | undefined;
      const first = server.reload(one).then((outcome) => {
        fromContinuation = server.reload(both);
        return outcome;
      });
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(building, 1, 'the first reload runs');
      const waiting = server.reload(one);
      assert.ok((await first).ok);
      const outcome = await waiting;
      assert.ok(outcome.ok);
      assert.equal(await fromContinuation, outcome); // folded into one swap
      assert.equal(most, 1, 'two swaps ran at once');
      assert.deepEqual(built, [1, 1, 2]); // the first gateway, the first reload, the folded one
      assert.equal((await post(server.listening.url, REVIEWS_QUERY)).status, 200);
    } finally {
      await server.close();
    }
  });
});
