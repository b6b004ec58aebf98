import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startConfig } from '../../gateway/config/start-options.ts';

describe('the config of gatehouse start: file, then environment, then flags', () => {
  let dir: string;
  let configFile: string;
  let supergraphFile: string;
  const saved = {
    port: process.env.GATEHOUSE_PORT,
    host: process.env.GATEHOUSE_HOST,
    sg: process.env.GATEHOUSE_SUPERGRAPH,
  };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatehouse-start-config-'));
    supergraphFile = join(dir, 'supergraph.graphql');
    await writeFile(supergraphFile, 'type Query { a: Int }');
    configFile = join(dir, 'gatehouse.config.yaml');
    await writeFile(configFile, `server: { port: 4100 }\nsupergraph: ${supergraphFile}\n`);
  });
  after(async () => {
    for (const [key, value] of [
      ['GATEHOUSE_PORT', saved.port],
      ['GATEHOUSE_HOST', saved.host],
      ['GATEHOUSE_SUPERGRAPH', saved.sg],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('lets the environment win over the file, and a flag win over the environment', async () => {
    process.env.GATEHOUSE_PORT = '4200';
    process.env.GATEHOUSE_HOST = '::1';
    assert.equal((await startConfig({ configFile })).server.port, 4200);
    const flagged = await startConfig({ configFile, port: 5000, host: '127.0.0.2' });
    assert.equal(flagged.server.port, 5000);
    assert.equal(flagged.server.host, '127.0.0.2');
    const supergraphOnly = await startConfig({ supergraphFile, port: 5001 });
    assert.equal(supergraphOnly.server.port, 5001);
    assert.equal(supergraphOnly.server.host, '::1');
  });
});
