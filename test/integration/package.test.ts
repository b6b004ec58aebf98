/**
 * The published package, as a user gets it: `npm pack` (which builds dist/), then `npm install
 * <tarball>` in a project outside the repository, then its `gatehouse` command with a TypeScript
 * config importing `gatehouse-graphql` (in a project without "type": "module"), with a YAML config
 * whose `$schema` points into the install, and `gatehouse demo`. One pack and install for all.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startReviews } from '../../subgraphs/demo/reviews/server.ts';
import type { RunningServer } from '../../subgraphs/lib/serve-graphql.ts';
import { runGatehouse, spawnGatehouse } from '../helpers/cli.ts';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const QUERY = '{ latestReviews(first: 2) { rating } }';

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run(NPM, args, { cwd, maxBuffer: 16 * 1024 * 1024, timeout: 300_000 });
  return stdout;
}

async function graphql(url: string): Promise<{ data?: { latestReviews: unknown[] }; errors?: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY }),
  });
  return (await response.json()) as { data?: { latestReviews: unknown[] }; errors?: unknown };
}

describe('the npm package', { timeout: 600_000 }, () => {
  let work: string;
  let project: string;
  let bin: string;
  let backend: RunningServer;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'gatehouse-package-'));
    // `prepack` runs `npm run build`.
    await npm(['pack', '--pack-destination', work], REPO);
    const tarball = join(work, (await readdir(work)).find((f) => f.endsWith('.tgz'))!);
    project = join(work, 'project');
    await mkdir(project);
    await npm(['init', '-y'], project);
    await npm(['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], project);
    bin = join(project, 'node_modules/.bin/gatehouse');
    backend = await startReviews();
  });
  after(async () => {
    await backend?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('installs without the build-time tools and answers --help', async () => {
    const modules = await readdir(join(project, 'node_modules'));
    for (const dev of ['tsx', 'esbuild', 'typescript', 'react', 'monaco-editor']) {
      assert.ok(!modules.includes(dev), `${dev} is installed`);
    }
    assert.ok(!existsSync(join(project, 'node_modules/@graphql-yoga/graphiql')));
    const help = await runGatehouse(['--help'], { bin, cwd: project });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage:/);
  });

  it('runs a gatehouse.config.ts importing gatehouse-graphql, in a project without "type": "module"', async () => {
    await writeFile(
      join(project, 'gatehouse.config.ts'),
      [
        "import { defineConfig, type GatehouseConfigInput } from 'gatehouse-graphql';",
        'const port: number = 0;',
        'const config: GatehouseConfigInput = {',
        `  server: { port, host: '127.0.0.1' },`,
        `  subgraphs: [{ name: 'reviews', kind: 'federation', url: ${JSON.stringify(backend.url)} }],`,
        '};',
        'export default defineConfig(config);',
        '',
      ].join('\n'),
    );
    try {
      await serves([], project);
    } finally {
      await rm(join(project, 'gatehouse.config.ts'));
    }
    assert.deepEqual(
      (await readdir(project)).filter((f) => f.startsWith('.gatehouse')),
      [],
      'no stripped copy left behind',
    );
  });

  it('reports a TypeScript config that does not load as CONFIG_INVALID, naming the file', async () => {
    const broken = join(project, 'broken.config.ts');
    await writeFile(broken, "import { nothing } from './missing.ts';\nexport default nothing as unknown;\n");
    const result = await runGatehouse(['--config', broken], { bin, cwd: project });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /cannot load config module/);
    assert.ok(result.stderr.includes(broken), result.stderr);
    assert.deepEqual(
      (await readdir(project)).filter((f) => f.startsWith('.gatehouse')),
      [],
    );
  });

  it('runs a YAML config whose $schema is the installed JSON Schema', async () => {
    const schema = './node_modules/gatehouse-graphql/gatehouse.schema.json';
    assert.ok(existsSync(join(project, schema)));
    await writeFile(
      join(project, 'gatehouse.yaml'),
      [
        `$schema: ${schema}`,
        'server: { port: 0, host: 127.0.0.1 }',
        'subgraphs:',
        `  - { name: reviews, kind: federation, url: "${backend.url}" }`,
        '',
      ].join('\n'),
    );
    await serves(['--config', 'gatehouse.yaml'], project);
  });

  it('serves the demo', async () => {
    const gatehouse = spawnGatehouse(['demo', '--port', '0'], { bin, cwd: project });
    try {
      const url = await gatehouse.listening();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ listBooks { title reviews { rating } } }' }),
      });
      const body = (await response.json()) as { data?: { listBooks: unknown[] }; errors?: unknown };
      assert.equal(body.errors, undefined);
      assert.equal(body.data?.listBooks.length, 8);
      const page = await fetch(url, { headers: { accept: 'text/html' } });
      const script = /src="([^"]+\.js)"/.exec(await page.text())?.[1];
      assert.ok(script, 'the GraphiQL page loads a script');
      assert.equal((await fetch(new URL(script, url))).status, 200);
    } finally {
      gatehouse.kill();
    }
  });

  /** Starts the installed gatehouse with `args` in `cwd`, checks a query and /healthz, stops it. */
  async function serves(args: string[], cwd: string): Promise<void> {
    const gatehouse = spawnGatehouse(args, { bin, cwd });
    try {
      const url = await gatehouse.listening();
      const body = await graphql(url);
      assert.equal(body.errors, undefined);
      assert.equal(body.data?.latestReviews.length, 2);
      assert.equal((await fetch(new URL('/healthz', url))).status, 200);
      gatehouse.child.kill('SIGTERM');
      assert.equal((await gatehouse.exited).code, 0);
    } finally {
      gatehouse.kill();
    }
  }
});
