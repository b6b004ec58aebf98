/**
 * The `gatehouse` process at startup and under signals: files that no retry can fix stop it
 * (exit 1, naming the file; every kind of local file: local-files-startup.test.ts); SIGHUP is logged and ignored until reloading exists.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'graphql';
import { composeSubgraphs } from '../../schema/compose.ts';
import { type GatehouseProcess, spawnGatehouse } from '../helpers/cli.ts';

/**
 * Exit code of `run`, failing the test if it still runs after `ms` (it would retry forever). The
 * bound is generous: a start on a loaded machine (a CI running four test files) takes seconds.
 */
async function exitCode(run: GatehouseProcess, ms = 60_000): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<'running'>((resolve) => {
    timer = setTimeout(() => resolve('running'), ms);
  });
  try {
    const outcome = await Promise.race([run.exited, limit]);
    assert.notEqual(outcome, 'running', `still running after ${ms} ms:\n${run.stderr()}`);
    return (outcome as { code: number | null }).code;
  } finally {
    clearTimeout(timer);
    run.kill();
  }
}

describe('gatehouse start with files it cannot use', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-startup-'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [what, sdl] of [
    ['does not parse', 'schema { query: Query\ntype Query {'],
    ['is not a supergraph', 'type Query { a: Int }'],
  ] as const) {
    it(`exits 1 when the --supergraph file ${what}, naming the file`, async () => {
      const file = join(dir, `${what.replace(/\W+/g, '-')}.graphql`);
      writeFileSync(file, sdl);
      const run = spawnGatehouse(['--supergraph', file, '--port', '0']);
      assert.equal(await exitCode(run), 1);
      assert.ok(run.stderr().includes(file), run.stderr());
      assert.doesNotMatch(run.stderr(), /\n\s+at /);
    });
  }

  it('exits 1 when the schemaFile of a plain GraphQL service has bad SDL, naming the file', async () => {
    const schemaFile = join(dir, 'accounts.graphql');
    writeFileSync(schemaFile, 'type Query { user(id: ID!): User');
    const config = join(dir, 'bad-sdl.yaml');
    writeFileSync(
      config,
      `subgraphs:\n  - { name: accounts, kind: graphql, url: "http://127.0.0.1:9/graphql", schemaFile: "${schemaFile}" }\n`,
    );
    const run = spawnGatehouse(['--config', config, '--port', '0']);
    assert.equal(await exitCode(run), 1);
    assert.ok(run.stderr().includes(schemaFile), run.stderr());
    assert.doesNotMatch(run.stderr(), /\n\s+at /);
  });

  it('exits 1 when the OpenAPI file of a REST subgraph has a $ref to a missing schema, naming the file', async () => {
    const openapi = join(dir, 'shop.yaml');
    writeFileSync(
      openapi,
      'openapi: 3.1.0\ninfo: { title: t, version: "1" }\npaths:\n  /t:\n    get:\n      operationId: thing\n      responses:\n        "200":\n          description: ok\n          content:\n            application/json:\n              schema: { $ref: "#/components/schemas/Missing" }\n',
    );
    const config = join(dir, 'bad-openapi.yaml');
    writeFileSync(
      config,
      `subgraphs:\n  - { name: shop, kind: rest, url: "http://127.0.0.1:9/api", openapi: "${openapi}" }\n`,
    );
    const run = spawnGatehouse(['--config', config, '--port', '0']);
    assert.equal(await exitCode(run), 1);
    assert.ok(run.stderr().includes(openapi), run.stderr());
    assert.doesNotMatch(run.stderr(), /\n\s+at /);
  });
});

describe('gatehouse under SIGHUP', () => {
  let dir: string;
  let supergraph: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-sighup-'));
    supergraph = join(dir, 'supergraph.graphql');
    const typeDefs = parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
      type Query { hello: String }
    `);
    const composed = composeSubgraphs([{ name: 'hello', typeDefs, url: 'http://127.0.0.1:9/graphql' }]);
    writeFileSync(supergraph, composed.supergraphSdl ?? '');
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('logs it and keeps serving; SIGTERM still stops it with exit 0', async () => {
    const run = spawnGatehouse(['--supergraph', supergraph, '--port', '0']);
    try {
      const url = new URL(await run.listening());
      run.child.kill('SIGHUP');
      await run.waitForStderr(/SIGHUP/);
      const health = await fetch(new URL('/healthz', url));
      assert.equal(health.status, 200);
      run.child.kill('SIGTERM');
      assert.deepEqual(await run.exited, { code: 0, signal: null });
    } finally {
      run.kill();
    }
  });
});
