/** Loading config files: YAML, JSON, TypeScript with defineConfig; paths relative to the file. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GatehouseError } from '../../core/errors.ts';
import { findConfigFile, loadConfig } from '../../gateway/config/index.ts';

const CONFIG_MODULE = fileURLToPath(new URL('../../gateway/config/index.ts', import.meta.url));

const rejectsWith = (promise: Promise<unknown>, check: (error: GatehouseError) => void = () => {}) =>
  assert.rejects(promise, (error) => {
    assert.ok(error instanceof GatehouseError, String(error));
    assert.equal(error.code, 'CONFIG_INVALID');
    check(error);
    return true;
  });

describe('loadConfig', () => {
  let dir: string;
  const write = async (name: string, text: string) => {
    const path = join(dir, name);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, text);
    return path;
  };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatehouse-config-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads YAML and resolves relative paths against the file folder', async () => {
    const path = await write(
      'conf/gatehouse.config.yaml',
      [
        'server:',
        '  port: 4100',
        'subgraphs:',
        '  - name: a',
        '    kind: federation',
        '    url: http://127.0.0.1:4001/graphql',
        '    schemaFile: ./sdl/a.graphql',
        '  - name: b',
        '    kind: rest',
        '    url: http://127.0.0.1:4002',
        '    openapi: ../openapi/b.yaml',
      ].join('\n'),
    );
    const config = await loadConfig(path, {});
    assert.equal(config.server.port, 4100);
    assert.equal(config.subgraphs[0]?.schemaFile, join(dir, 'conf/sdl/a.graphql'));
    const rest = config.subgraphs[1];
    assert.equal(rest?.kind === 'rest' ? rest.openapi : undefined, join(dir, 'openapi/b.yaml'));
  });

  it('reads JSON, resolving `supergraph` against the file folder', async () => {
    const path = await write(
      'json/gatehouse.config.json',
      JSON.stringify({ supergraph: 'supergraph.graphql' }),
    );
    const config = await loadConfig(path, {});
    assert.equal(config.supergraph, join(dir, 'json/supergraph.graphql'));
  });

  it('runs a TypeScript config whose default export uses defineConfig', async () => {
    const path = await write(
      'ts/gatehouse.config.ts',
      [
        `import { defineConfig } from ${JSON.stringify(CONFIG_MODULE)};`,
        'const port: number = 4200;',
        'export default defineConfig({',
        '  server: { port },',
        "  subgraphs: [{ name: 'a', kind: 'federation', url: 'http://127.0.0.1:4001/graphql', schemaFile: 'a.graphql' }],",
        '});',
      ].join('\n'),
    );
    const config = await loadConfig(path, {});
    assert.equal(config.server.port, 4200);
    assert.equal(config.subgraphs[0]?.schemaFile, join(dir, 'ts/a.graphql'));
  });

  it('runs .mts and .cts configs, and leaves no stripped copy behind', async () => {
    const mts = await write(
      'mts/gatehouse.config.mts',
      "const port: number = 4210;\nexport default { server: { port }, supergraph: 's.graphql' };\n",
    );
    assert.equal((await loadConfig(mts, {})).server.port, 4210);
    const cts = await write(
      'cts/gatehouse.config.cts',
      "const port: number = 4220;\nmodule.exports = { server: { port }, supergraph: 's.graphql' };\n",
    );
    assert.equal((await loadConfig(cts, {})).server.port, 4220);
    assert.deepEqual(await readdir(join(dir, 'mts')), ['gatehouse.config.mts']);
    assert.deepEqual(await readdir(join(dir, 'cts')), ['gatehouse.config.cts']);
  });

  it('names the file when a TypeScript config cannot be loaded', async () => {
    const broken = await write('broken/gatehouse.config.ts', 'export default { server: { port: 1 } as };\n');
    await rejectsWith(loadConfig(broken, {}), (error) => {
      assert.ok(error.message.includes(broken), error.message);
    });
    const missing = await write('broken/missing-import.ts', "export { default } from './nope.mjs';\n");
    await rejectsWith(loadConfig(missing, {}), (error) => {
      assert.ok(error.message.includes(missing), error.message);
    });
    assert.deepEqual((await readdir(join(dir, 'broken'))).sort(), [
      'gatehouse.config.ts',
      'missing-import.ts',
    ]);
  });

  it('a TypeScript syntax error says where, and the erasable-syntax hint only for enums and the like', async () => {
    // The stripped path (Node without native type stripping, or a .ts outside a module project).
    const typo = await write('typo/gatehouse.config.ts', 'const port: number = ;\nexport default {};\n');
    await rejectsWith(loadConfig(typo, {}), (error) => {
      assert.doesNotMatch(error.message, /\[object Object\]/);
      assert.match(error.message, /line 1/);
      assert.doesNotMatch(error.message, /erasable/);
    });
    if ((process.features as { typescript?: unknown }).typescript) return; // Node strips .mts itself
    const withEnum = await write('enum/gatehouse.config.mts', 'enum Mode { A }\nexport default {};\n');
    await rejectsWith(loadConfig(withEnum, {}), (error) => assert.match(error.message, /erasable/));
  });

  it('applies the environment it is given', async () => {
    const path = await write('env/gatehouse.config.yaml', 'supergraph: s.graphql\n');
    const config = await loadConfig(path, { GATEHOUSE_PORT: '4300' });
    assert.equal(config.server.port, 4300);
  });

  it('reports every problem of the file with its path', async () => {
    const path = await write(
      'bad/gatehouse.config.yaml',
      'server:\n  prot: 1\nsubgraphs:\n  - name: a\n    kind: grpc\n    url: http://a\n',
    );
    await rejectsWith(loadConfig(path, {}), (error) => {
      assert.deepEqual(error.problems.map((p) => p.slice(0, p.indexOf(': '))).sort(), [
        'server.prot',
        'subgraphs[0].kind',
      ]);
      assert.ok(error.message.includes(path), 'the message names the file');
    });
  });

  it('rejects a file that does not parse, a missing file, a module without default export', async () => {
    await rejectsWith(loadConfig(await write('p/gatehouse.config.yaml', 'server: [\n'), {}));
    await rejectsWith(loadConfig(await write('p/gatehouse.config.json', '{"server":'), {}));
    await rejectsWith(loadConfig(join(dir, 'nope.yaml'), {}));
    await rejectsWith(loadConfig(await write('p/no-default.ts', 'export const config = {};\n'), {}));
    await rejectsWith(loadConfig(await write('p/throws.ts', "throw new Error('no secret');\n"), {}));
  });

  it('an empty file is a config with nothing in it', async () => {
    await rejectsWith(loadConfig(await write('empty/gatehouse.config.yaml', ''), {}), (error) => {
      assert.equal(error.problems.length, 1);
    });
  });

  it('findConfigFile picks the first known file name in a folder', async () => {
    await write('find/gatehouse.config.json', '{}');
    await write('find/gatehouse.config.yaml', '');
    assert.equal(findConfigFile(join(dir, 'find')), join(dir, 'find/gatehouse.config.yaml'));
    assert.equal(findConfigFile(join(dir, 'nothing-here')), undefined);
  });
});
