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

/**
 * The bench's target with only the entity cache warm: after the first answer, every entity is
 * kept, so each TestQuery sends its root fetches only, and answers deep-equal to the fixture's.
 */
describe('bench target gatehouse-entity-cached', () => {
  let env: BenchEnvironment;
  let cached: RunningTarget;
  let plain: RunningTarget;
  before(async () => {
    env = await startEnvironment(0);
    cached = await startTarget('gatehouse-entity-cached', env, {
      pin: false,
      logFile: join(env.workDir, 'gatehouse-entity-cached.log'),
    });
    plain = await startTarget('gatehouse', env, { pin: false, logFile: join(env.workDir, 'gatehouse.log') });
  });
  after(async () => {
    await stopAllChildren();
    await env?.close();
  });

  it('sends the root fetches of TestQuery only once the entities are kept', async () => {
    const send = (target: RunningTarget) =>
      fetch(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: env.workloads.testquery.body,
      });
    // The plain gateway's subgraph requests per TestQuery, by subgraph.
    await (await send(plain)).arrayBuffer();
    await env.counters.reset();
    await (await send(plain)).arrayBuffer();
    const everyFetch = await env.counters.bySubgraph();
    await (await send(cached)).arrayBuffer();
    await env.counters.reset();
    for (let i = 0; i < 3; i++) {
      const again = await send(cached);
      assert.deepEqual(await again.json(), env.workloads.testquery.expected);
    }
    const perOperation = (await env.counters.total()) / 3;
    const total = Object.values(everyFetch).reduce((a, b) => a + b, 0);
    // TestQuery's plan: a root fetch to accounts and one to products; every other fetch is
    // an entity fetch (7 requests in all without the cache).
    assert.equal(total, 7, `TestQuery's subgraph requests without the cache: ${JSON.stringify(everyFetch)}`);
    assert.equal(perOperation, 2);
    assert.deepEqual(await env.counters.bySubgraph(), { accounts: 3, inventory: 0, products: 3, reviews: 0 });
  });
});
