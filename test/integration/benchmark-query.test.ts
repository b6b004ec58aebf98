import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFixture } from '../../subgraphs/bench/data.ts';
import { type BenchSubgraphs, startBenchSubgraphs } from '../../subgraphs/bench/index.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

describe('the federation benchmark query through the gateway', () => {
  let subgraphs: BenchSubgraphs;
  let gateway: TestGateway;
  before(async () => {
    subgraphs = await startBenchSubgraphs();
    gateway = await startTestGateway({
      subgraphs: (['accounts', 'inventory', 'products', 'reviews'] as const).map((name) => ({
        name,
        kind: 'federation' as const,
        url: subgraphs[name].url,
      })),
    });
  });
  after(async () => {
    await gateway?.close();
    await subgraphs?.close();
  });

  it('answers TestQuery deep-equal to expected-response.json', async () => {
    for (const name of ['accounts', 'inventory', 'products', 'reviews'] as const)
      subgraphs[name].resetRequests();
    const { status, body } = await gateway.query(readFixture('query.graphql'));
    assert.equal(status, 200);
    assert.deepEqual(body, JSON.parse(readFixture('expected-response.json')));
    const upstream = (['accounts', 'inventory', 'products', 'reviews'] as const).reduce(
      (n, name) => n + subgraphs[name].requests(),
      0,
    );
    // The planner batches entity lookups per level; the fixture's README counts these as fetches.
    assert.ok(upstream > 0 && upstream <= 12, `upstream requests: ${upstream}`);
  });

  it('serves the same answer from the composed supergraph file of the fixture', async () => {
    const { status, body } = await gateway.query(
      '{ topProducts(first: 2) { upc name inStock reviews { id author { username } } } }',
    );
    assert.equal(status, 200);
    assert.equal(body.errors, undefined);
    assert.equal((body.data as { topProducts: unknown[] }).topProducts.length, 2);
  });
});
