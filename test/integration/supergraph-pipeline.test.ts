/**
 * `createSupergraph({ pipeline })`: every subgraph executor put in service is wrapped once, for
 * composed subgraphs and for the remote executors of a supergraph file alike, and the wrapped
 * executor is the one operations go through.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execute, parse } from 'graphql';
import { upstreamSchema } from '../../gateway/config/schema.ts';
import { createUpstreamClient, type UpstreamClient } from '../../gateway/http/index.ts';
import { silentLogger } from '../../gateway/logger/index.ts';
import {
  createSupergraph,
  type SubgraphPipeline,
  type Supergraph,
  subgraphSources,
} from '../../gateway/supergraph/index.ts';
import { createLoadContext } from '../../gateway/upstream/index.ts';
import { type HealthySubgraph, startHealthySubgraph } from '../helpers/fault-graph.ts';

function countingPipeline() {
  const wrapped: Array<{ name: string; url: string }> = [];
  let calls = 0;
  const pipeline: SubgraphPipeline = (subgraph, executor) => {
    wrapped.push(subgraph);
    return function countedExecutor(request) {
      calls++;
      return executor(request);
    };
  };
  return { pipeline, wrapped, calls: () => calls };
}

describe('createSupergraph pipeline', () => {
  let healthy: HealthySubgraph;
  let client: UpstreamClient;
  let dir: string;
  const started: Supergraph[] = [];
  before(async () => {
    healthy = await startHealthySubgraph();
    client = createUpstreamClient(upstreamSchema.parse({}));
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-pipeline-'));
  });
  after(async () => {
    for (const supergraph of started) await supergraph.stop();
    await client?.close();
    await healthy?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const hello = async (supergraph: Supergraph) => ({
    ...(await execute({ schema: supergraph.schema!, document: parse('{ hello }') })).data,
  });

  it('wraps each composed subgraph once, and operations go through the wrapper', async () => {
    const counting = countingPipeline();
    const supergraph = createSupergraph({
      subgraphs: subgraphSources([
        {
          name: 'healthy',
          kind: 'federation',
          url: healthy.url,
          required: false,
          headers: {},
          dedup: 'shared',
        },
      ]),
      context: createLoadContext(client),
      logger: silentLogger,
      pipeline: counting.pipeline,
    });
    started.push(supergraph);
    await supergraph.start();
    assert.deepEqual(counting.wrapped, [{ name: 'healthy', url: healthy.url }]);
    const before = counting.calls();
    assert.deepEqual(await hello(supergraph), { hello: 'world' });
    assert.equal(counting.calls(), before + 1);
    assert.equal(counting.wrapped.length, 1);

    // A supergraph file: its remote executors are wrapped once too.
    const file = join(dir, 'supergraph.graphql');
    writeFileSync(file, supergraph.supergraphSdl!);
    const fromFile = countingPipeline();
    const served = createSupergraph({
      supergraphFile: file,
      context: createLoadContext(client),
      logger: silentLogger,
      env: {},
      pipeline: fromFile.pipeline,
    });
    started.push(served);
    await served.start();
    assert.deepEqual(fromFile.wrapped, [{ name: 'healthy', url: healthy.url }]);
    assert.deepEqual(await hello(served), { hello: 'world' });
    assert.deepEqual(await hello(served), { hello: 'world' });
    assert.equal(fromFile.calls(), 2);
    assert.equal(fromFile.wrapped.length, 1);
  });
});
