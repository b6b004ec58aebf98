/**
 * The hot swap's counts: the version in service offered again changes nothing (no build, no
 * listener, not counted) unless a rebuild is asked for; a candidate a source refused before
 * offering it is counted as failed, with its problem and source.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { silentLogger } from '../../gateway/logger/index.ts';
import { createSchemaInService, schemaVersion } from '../../gateway/supergraph/in-service.ts';

const SUPERGRAPH = readFileSync(
  new URL('../fixtures/gateways-benchmark/supergraph.graphql', import.meta.url),
  'utf8',
);

describe('the schema in service', () => {
  const executor = () => async () => ({ data: null });

  it('offered the version in service again: no build, no listener, not counted', () => {
    let prepared = 0;
    const inService = createSchemaInService(silentLogger, () => void prepared++);
    let told = 0;
    inService.onSchema(() => void told++);
    assert.deepEqual(inService.put(SUPERGRAPH, executor, { source: 'poll' }), { ok: true });
    const served = inService.served;
    assert.deepEqual(inService.put(SUPERGRAPH, executor, { source: 'poll' }), { ok: true, unchanged: true });
    assert.equal(inService.served, served);
    assert.deepEqual([prepared, told], [1, 1]);
    const reloads = inService.reloads();
    assert.equal(reloads.succeeded, 1);
    assert.equal(reloads.failed, 0);
    assert.equal(reloads.last?.source, 'poll');

    // Asked for (its executors changed): built and put in service again.
    assert.deepEqual(inService.put(SUPERGRAPH, executor, { rebuild: true }), { ok: true });
    assert.notEqual(inService.served, served);
    assert.deepEqual([prepared, told, inService.reloads().succeeded], [2, 2, 2]);
  });

  it('counts a candidate refused by its source, and a build that fails, with the source', () => {
    const inService = createSchemaInService(silentLogger);
    assert.deepEqual(inService.put(SUPERGRAPH, executor, { source: 'file' }), { ok: true });
    inService.refused('composition failed: [X] a problem', 'poll');
    let reloads = inService.reloads();
    assert.equal(reloads.failed, 1);
    assert.equal(reloads.last?.ok, false);
    assert.equal(reloads.last?.source, 'poll');
    assert.equal(reloads.last?.problem, 'composition failed: [X] a problem');
    assert.equal(reloads.last?.version, undefined);

    const broken = SUPERGRAPH.replace('body: String', 'body: Strin');
    const put = inService.put(broken, executor, { source: 'registry' });
    assert.equal(put.ok, false);
    reloads = inService.reloads();
    assert.equal(reloads.failed, 2);
    assert.equal(reloads.succeeded, 1);
    assert.equal(reloads.last?.source, 'registry');
    assert.equal(reloads.last?.version, schemaVersion(broken));
    assert.equal(inService.served?.version, schemaVersion(SUPERGRAPH));
  });
});
