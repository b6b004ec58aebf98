import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type BenchSubgraphs, startBenchSubgraphs } from '../../subgraphs/bench/index.ts';
import { benchSubgraphNames } from '../../subgraphs/bench/schemas.ts';
import { runGatehouse } from '../helpers/cli.ts';

const federationSdl = (priceType: string, query: string) => `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Product @key(fields: "id") { id: ID! price: ${priceType} }
type Query { ${query} }
`;

describe('gatehouse compose', () => {
  let subgraphs: BenchSubgraphs;
  let dir: string;
  before(async () => {
    subgraphs = await startBenchSubgraphs();
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-compose-'));
    writeFileSync(
      join(dir, 'bench.yaml'),
      `subgraphs:\n${benchSubgraphNames
        .map((name) => `  - { name: ${name}, kind: federation, url: "${subgraphs[name].url}" }`)
        .join('\n')}\n`,
    );
    // Two subgraphs that disagree on the type of Product.price, read from SDL files.
    writeFileSync(join(dir, 'shop.graphql'), federationSdl('Int', 'product(id: ID!): Product'));
    writeFileSync(join(dir, 'pricing.graphql'), federationSdl('String', 'prices: [Product]'));
    writeFileSync(
      join(dir, 'broken.yaml'),
      [
        'subgraphs:',
        '  - { name: shop, kind: federation, url: "http://127.0.0.1:9/graphql", schemaFile: shop.graphql }',
        '  - { name: pricing, kind: federation, url: "http://127.0.0.1:9/graphql", schemaFile: pricing.graphql }',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await subgraphs?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints the supergraph of the benchmark subgraphs', async () => {
    const { code, stdout, stderr } = await runGatehouse(['compose', '--config', join(dir, 'bench.yaml')]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^schema\s/);
    for (const name of benchSubgraphNames) {
      assert.match(stdout, new RegExp(`@join__graph\\(name: "${name}", url: "${subgraphs[name].url}"\\)`));
    }
    assert.match(stdout, /type Query/);
  });

  it('writes the supergraph to --output, and nothing to stdout', async () => {
    const output = join(dir, 'supergraph.graphql');
    const { code, stdout } = await runGatehouse(['compose', '-c', join(dir, 'bench.yaml'), '-o', output]);
    assert.equal(code, 0);
    assert.equal(stdout, '');
    assert.match(readFileSync(output, 'utf8'), /enum join__Graph/);
  });

  it('exits 1 with each problem naming its subgraphs when they do not compose', async () => {
    const { code, stdout, stderr } = await runGatehouse(['compose', '--config', join(dir, 'broken.yaml')]);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    const problems = stderr.split('\n').filter((line) => line.startsWith('  - '));
    assert.ok(problems.length > 0, stderr);
    assert.ok(
      problems.some((p) => /\[[A-Z_]+\] \((shop, pricing|pricing, shop)\)/.test(p) && p.includes('price')),
      stderr,
    );
    assert.doesNotMatch(stderr, /\n\s+at /);
  });

  it('reports a subgraph it cannot load, by name', async () => {
    writeFileSync(
      join(dir, 'down.yaml'),
      `subgraphs:\n  - { name: accounts, kind: federation, url: "${subgraphs.accounts.url}" }\n  - { name: gone, kind: federation, url: "http://127.0.0.1:9/graphql" }\n`,
    );
    const { code, stderr } = await runGatehouse(['compose', '--config', join(dir, 'down.yaml')]);
    assert.equal(code, 1);
    assert.match(stderr, /\[SUBGRAPH_LOAD_FAILED\] \(gone\)/);
  });
});

describe('gatehouse with a bad config file', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-badconfig-'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints every problem with its path and exits 1, without a stack trace', async () => {
    const file = join(dir, 'gatehouse.config.yaml');
    writeFileSync(
      file,
      'server:\n  port: eighty\nsubgraphs:\n  - name: books\n    kind: federation\n    url: not-a-url\n    colour: red\n',
    );
    // The file given with --config (compose), and the one found in the working directory (start).
    for (const args of [['compose', '--config', file], ['start']]) {
      const { code, stderr } = await runGatehouse(args, { cwd: dir });
      assert.equal(code, 1, args.join(' '));
      assert.match(stderr, /server\.port: /);
      assert.match(stderr, /subgraphs\[0\]\.url: /);
      assert.match(stderr, /subgraphs\[0\]\.colour: unknown key/);
      assert.doesNotMatch(stderr, /\n\s+at /);
    }
  });

  it('says so when the file is not YAML, is missing, or the supergraph file is missing', async () => {
    writeFileSync(join(dir, 'broken.yaml'), 'server: [\n');
    for (const args of [
      ['--config', join(dir, 'broken.yaml')],
      ['--config', join(dir, 'missing.yaml')],
      ['--supergraph', join(dir, 'missing.graphql')],
    ]) {
      const { code, stderr } = await runGatehouse(args, { cwd: dir });
      assert.equal(code, 1, args.join(' '));
      assert.match(stderr, /^gatehouse: /);
      assert.doesNotMatch(stderr, /\n\s+at /);
    }
  });
});

describe('gatehouse --help', () => {
  it('prints the usage of every command and exits 0', async () => {
    const { code, stdout } = await runGatehouse(['--help']);
    assert.equal(code, 0);
    for (const command of ['start', 'compose', 'demo', '--supergraph', '--config']) {
      assert.ok(stdout.includes(command), command);
    }
  });

  it('exits non-zero with the usage on an unknown command or option', async () => {
    for (const args of [['frobnicate'], ['--frobnicate']]) {
      const { code, stderr } = await runGatehouse(args);
      assert.notEqual(code, 0);
      assert.match(stderr, /Usage:/);
    }
  });
});
