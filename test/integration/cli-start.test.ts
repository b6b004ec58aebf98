import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { subgraphUrlEnvName } from '../../gateway/config/env.ts';
import { FIXTURE_DIR, readFixture } from '../../subgraphs/bench/data.ts';
import { type BenchSubgraphs, startBenchSubgraphs } from '../../subgraphs/bench/index.ts';
import { benchSubgraphNames } from '../../subgraphs/bench/schemas.ts';
import { runGatehouse, spawnGatehouse } from '../helpers/cli.ts';

const SUPERGRAPH = join(FIXTURE_DIR, 'supergraph.graphql');

async function postQuery(url: string, query: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    connection: response.headers.get('connection'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A subgraph in front of `target`: it passes requests through until `hold()`, then holds every
 * request until `release()`, so that one is in flight in the gateway for as long as the test wants.
 */
async function gatedSubgraph(target: string) {
  let holding = false;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let arrived!: () => void;
  const firstHeld = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    if (holding) {
      arrived();
      await gate;
    }
    const upstream = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    res.writeHead(upstream.status, { 'content-type': 'application/json' });
    res.end(await upstream.text());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    hold: () => {
      holding = true;
    },
    firstHeld,
    release,
    close: () =>
      new Promise<void>((resolve) => {
        release();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('gatehouse start', () => {
  let subgraphs: BenchSubgraphs;
  let urlEnv: Record<string, string>;
  let dir: string;
  before(async () => {
    subgraphs = await startBenchSubgraphs();
    // The fixture's supergraph names 127.0.0.1:4200/<name>; point each at a subgraph of this test.
    urlEnv = Object.fromEntries(
      benchSubgraphNames.map((name) => [subgraphUrlEnvName(name), subgraphs[name].url]),
    );
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-start-'));
  });
  after(async () => {
    await subgraphs?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds gatehouse.config.yaml in the working directory and composes its subgraphs', async () => {
    writeFileSync(
      join(dir, 'gatehouse.config.yaml'),
      `server: { port: 0 }\nsubgraphs:\n${benchSubgraphNames
        .map((name) => `  - { name: ${name}, kind: federation, url: "${subgraphs[name].url}" }`)
        .join('\n')}\n`,
    );
    const gatehouse = spawnGatehouse(['start'], { cwd: dir });
    try {
      const url = await gatehouse.listening();
      const { status, body } = await postQuery(
        url,
        '{ topProducts(first: 1) { name inStock reviews { id } } }',
      );
      assert.equal(status, 200);
      assert.deepEqual(body, {
        data: {
          topProducts: [
            { name: 'Table', inStock: true, reviews: [{ id: '1' }, { id: '2' }, { id: '3' }, { id: '4' }] },
          ],
        },
      });
    } finally {
      gatehouse.kill();
    }
  });

  // One process for both (each start costs about 3 s of CPU): it serves, then it is stopped.
  it('serves a supergraph file with --supergraph (the benchmark query gives the expected response); on SIGTERM, finishes the request in flight, then exits 0', async () => {
    const gated = await gatedSubgraph(subgraphs.accounts.url);
    const gatehouse = spawnGatehouse(['--supergraph', SUPERGRAPH, '--port', '0'], {
      env: { ...urlEnv, [subgraphUrlEnvName('accounts')]: gated.url },
    });
    try {
      const url = await gatehouse.listening();
      const benchmark = await postQuery(url, readFixture('query.graphql'));
      assert.equal(benchmark.status, 200);
      assert.deepEqual(benchmark.body, JSON.parse(readFixture('expected-response.json')));

      gated.hold();
      const inFlight = postQuery(url, '{ me { id username } }');
      await gated.firstHeld;
      gatehouse.child.kill('SIGTERM');
      await gatehouse.waitForStderr(/SIGTERM received/);
      gated.release();
      const { status, body, connection } = await inFlight;
      assert.equal(status, 200);
      assert.deepEqual(body, { data: { me: { id: '1', username: 'urigo' } } });
      // The client is told not to reuse the connection, so that the process need not wait for it.
      assert.equal(connection, 'close');
      const { code } = await gatehouse.exited;
      assert.equal(code, 0);
    } finally {
      gatehouse.kill();
      await gated.close();
    }
  });

  it('exits 1 when the port is taken, naming the port and how to change it', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as AddressInfo;
      const { code, stderr } = await runGatehouse(['--supergraph', SUPERGRAPH, '--port', String(port)]);
      assert.equal(code, 1);
      assert.match(stderr, /EADDRINUSE/);
      assert.match(stderr, new RegExp(`\\b${port}\\b`));
      for (const way of ['--port', 'server.port', 'GATEHOUSE_PORT']) assert.ok(stderr.includes(way), way);
      assert.doesNotMatch(stderr, /\n\s+at /);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});
