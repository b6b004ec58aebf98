import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stopAllChildren } from '../bench/children.ts';
import { type BenchEnvironment, type RunningTarget, startEnvironment, startTarget } from '../bench/setup.ts';

/**
 * The bench's target with a warm response cache is what it claims: TestQuery is cacheable
 * (`Cache-Control` with the hour every selected field declares), and after the first answer
 * every one comes from the cache (no subgraph is asked), deep-equal to the fixture's.
 */
describe('bench target gatehouse-cached', () => {
  let env: BenchEnvironment;
  let cached: RunningTarget;
  before(async () => {
    env = await startEnvironment(0);
    cached = await startTarget('gatehouse-cached', env, {
      pin: false,
      logFile: join(env.workDir, 'gatehouse-cached.log'),
    });
  });
  after(async () => {
    await stopAllChildren();
    await env?.close();
  });

  it('answers TestQuery from the response cache after the first time', async () => {
    const send = () =>
      fetch(cached.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: env.workloads.testquery.body,
      });
    const first = await send();
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('cache-control'), 'max-age=3600, public');
    await first.arrayBuffer();
    await env.counters.reset();
    for (let i = 0; i < 3; i++) {
      const again = await send();
      assert.deepEqual(await again.json(), env.workloads.testquery.expected);
      assert.match(again.headers.get('age') ?? '', /^\d+$/);
    }
    assert.equal(await env.counters.total(), 0, 'no subgraph was asked');
  });
});
