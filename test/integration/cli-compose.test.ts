import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type BenchSubgraphs, startBenchSubgraphs } from '../../subgraphs/bench/index.ts';
import { benchSubgraphNames } from '../../subgraphs/bench/schemas.ts';
import { type CliResult, runGatehouse, runGatehouseBatch } from '../helpers/cli.ts';

const federationSdl = (priceType: string, query: string) => `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Product @key(fields: "id") { id: ID! price: ${priceType} }
type Query { ${query} }
`;

/**
 * `gatehouse compose`, errors and --help. Each command is a real `gatehouse` run; all but the first
 * share one process (`runGatehouseBatch`): a process per command cost about 3 s of CPU each.
 */
let subgraphs: BenchSubgraphs;
let dir: string;
/** The results of the batched commands, by name. */
let ran: Record<string, CliResult>;

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
  writeFileSync(
    join(dir, 'down.yaml'),
    `subgraphs:\n  - { name: accounts, kind: federation, url: "${subgraphs.accounts.url}" }\n  - { name: gone, kind: federation, url: "http://127.0.0.1:9/graphql" }\n`,
  );
  // A config with mistakes, found in the working directory by `start`.
  const bad = join(dir, 'bad');
  mkdirSync(bad);
  writeFileSync(
    join(bad, 'gatehouse.config.yaml'),
    'server:\n  port: eighty\nsubgraphs:\n  - name: books\n    kind: federation\n    url: not-a-url\n    colour: red\n',
  );
  writeFileSync(join(bad, 'broken.yaml'), 'server: [\n');

  const runs = {
    output: { args: ['compose', '-c', join(dir, 'bench.yaml'), '-o', join(dir, 'supergraph.graphql')] },
    broken: { args: ['compose', '--config', join(dir, 'broken.yaml')] },
    down: { args: ['compose', '--config', join(dir, 'down.yaml')] },
    badCompose: { args: ['compose', '--config', join(bad, 'gatehouse.config.yaml')], cwd: bad },
    badStart: { args: ['start'], cwd: bad },
    notYaml: { args: ['--config', join(bad, 'broken.yaml')], cwd: bad },
    missingConfig: { args: ['--config', join(bad, 'missing.yaml')], cwd: bad },
    missingSupergraph: { args: ['--supergraph', join(bad, 'missing.graphql')], cwd: bad },
    help: { args: ['--help'] },
    version: { args: ['--version'] },
    unknownCommand: { args: ['frobnicate'] },
    unknownOption: { args: ['--frobnicate'] },
  };
  const results = await runGatehouseBatch(Object.values(runs));
  ran = Object.fromEntries(Object.keys(runs).map((name, i) => [name, results[i]!]));
});
after(async () => {
  await subgraphs?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('gatehouse compose', () => {
  it('prints the supergraph of the benchmark subgraphs, and exits', async () => {
    const { code, stdout, stderr } = await runGatehouse(['compose', '--config', join(dir, 'bench.yaml')]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^schema\s/);
    for (const name of benchSubgraphNames) {
      assert.match(stdout, new RegExp(`@join__graph\\(name: "${name}", url: "${subgraphs[name].url}"\\)`));
    }
    assert.match(stdout, /type Query/);
  });

  it('writes the supergraph to --output, and nothing to stdout', () => {
    const { code, stdout, stderr } = ran.output!;
    assert.equal(code, 0, stderr);
    assert.equal(stdout, '');
    assert.match(readFileSync(join(dir, 'supergraph.graphql'), 'utf8'), /enum join__Graph/);
  });

  it('exits 1 with each problem naming its subgraphs when they do not compose', () => {
    const { code, stdout, stderr } = ran.broken!;
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

  it('reports a subgraph it cannot load, by name', () => {
    const { code, stderr } = ran.down!;
    assert.equal(code, 1);
    assert.match(stderr, /\[SUBGRAPH_LOAD_FAILED\] \(gone\)/);
  });
});

describe('gatehouse with a bad config file', () => {
  it('prints every problem with its path and exits 1, without a stack trace', () => {
    // The file given with --config (compose), and the one found in the working directory (start).
    for (const name of ['badCompose', 'badStart']) {
      const { code, stderr } = ran[name]!;
      assert.equal(code, 1, name);
      assert.match(stderr, /server\.port: /);
      assert.match(stderr, /subgraphs\[0\]\.url: /);
      assert.match(stderr, /subgraphs\[0\]\.colour: unknown key/);
      assert.doesNotMatch(stderr, /\n\s+at /);
    }
  });

  it('says so when the file is not YAML, is missing, or the supergraph file is missing', () => {
    for (const name of ['notYaml', 'missingConfig', 'missingSupergraph']) {
      const { code, stderr } = ran[name]!;
      assert.equal(code, 1, name);
      assert.match(stderr, /^gatehouse: /);
      assert.doesNotMatch(stderr, /\n\s+at /);
    }
  });
});

describe('gatehouse --help', () => {
  it('prints the usage of every command and exits 0', () => {
    const { code, stdout } = ran.help!;
    assert.equal(code, 0);
    for (const command of ['start', 'compose', 'demo', '--supergraph', '--config']) {
      assert.ok(stdout.includes(command), command);
    }
  });

  it('--version prints the package version', () => {
    const { code, stdout } = ran.version!;
    assert.equal(code, 0);
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    assert.equal(stdout.trim(), version);
  });

  it('exits non-zero with the usage on an unknown command or option', () => {
    for (const name of ['unknownCommand', 'unknownOption']) {
      const { code, stderr } = ran[name]!;
      assert.notEqual(code, 0, name);
      assert.match(stderr, /Usage:/);
    }
    // Only what is wrong: not Node's advice about positional arguments.
    assert.doesNotMatch(ran.unknownOption!.stderr, /positional/);
  });
});
