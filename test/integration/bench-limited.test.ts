import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stopAllChildren } from '../bench/children.ts';
import { type BenchEnvironment, type RunningTarget, startEnvironment, startTarget } from '../bench/setup.ts';
import { redisMissing } from '../helpers/redis-server.ts';

/**
 * The bench's targets with field rate limits are what they claim: a limit on every field
 * TestQuery selects (read from the query and the supergraph), applied (each one in the
 * `RateLimit-Policy` header), never tripping (`startTarget` checks the answer); with Redis, one
 * round trip per operation however many fields are limited.
 */
describe('bench targets gatehouse-limited and gatehouse-limited-redis', () => {
  let env: BenchEnvironment;
  let memory: RunningTarget;
  before(async () => {
    env = await startEnvironment(0, { redis: !redisMissing });
    memory = await startTarget('gatehouse-limited', env, {
      pin: false,
      logFile: join(env.workDir, 'gatehouse-limited.log'),
    });
  });
  after(async () => {
    await stopAllChildren();
    await env?.close();
  });

  const policies = async (url: string) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: env.workloads.testquery.body,
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), env.workloads.testquery.expected);
    return new Set(
      [...(response.headers.get('ratelimit-policy') ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]),
    );
  };

  it('limits every field TestQuery selects, on each subgraph that resolves it', async () => {
    const { coordinates } = env.limits;
    for (const c of [
      'Query.users',
      'Query.topProducts',
      'Product.shippingEstimate',
      'User.id',
      'Review.body',
    ])
      assert.ok(coordinates.includes(c), `${c} is not limited`);
    assert.ok(!coordinates.includes('User.birthday'), 'TestQuery does not select User.birthday');
    assert.deepEqual(await policies(memory.url), new Set(coordinates));
  });

  it('keeps the counts in Redis, one round trip per operation', { skip: redisMissing }, async () => {
    const redis = await startTarget('gatehouse-limited-redis', env, {
      pin: false,
      logFile: join(env.workDir, 'gatehouse-limited-redis.log'),
    });
    assert.deepEqual(await policies(redis.url), new Set(env.limits.coordinates));
    // One counter per coordinate (by: ip), one script each, all in one pipeline.
    assert.deepEqual(redis.redisPerOp, { scripts: env.limits.coordinates.length, roundTrips: 1 });
  });
});
