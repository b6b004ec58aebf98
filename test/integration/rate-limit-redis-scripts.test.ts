/**
 * The Lua scripts agree with algorithms.ts: the same checks against the Redis store and the memory
 * store (both on this machine's clock) get the same decisions, and over real time the scripts
 * refill, slide and start new windows when they said they would (`retryAfterMs`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createMemoryStore } from '../../gateway/rate-limit/store/memory-store.ts';
import { createRedisStore } from '../../gateway/rate-limit/store/redis-store.ts';
import type { LimitRule, RateLimitAlgorithm, RateLimitStore } from '../../gateway/rate-limit/store/types.ts';
import { createRedisConnection, type RedisConnection } from '../../gateway/redis/index.ts';
import { type RedisServer, redisMissing, startRedis } from '../helpers/redis-server.ts';

const ALGORITHMS: RateLimitAlgorithm[] = ['token-bucket', 'sliding-window', 'fixed-window', 'gcra'];
const HOUR = 3_600_000;

describe('redis scripts agree with algorithms.ts', { skip: redisMissing }, () => {
  let server: RedisServer;
  let connection: RedisConnection;
  let redis: RateLimitStore;
  before(async () => {
    server = await startRedis();
    connection = createRedisConnection({ url: server.url });
    await connection.ready();
    redis = createRedisStore(connection.client, { prefix: `scripts:${process.pid}:`, deadlineMs: 2_000 });
  });
  after(async () => {
    await connection?.close();
    await server?.stop();
  });

  for (const algorithm of ALGORITHMS) {
    it(`${algorithm}: the same decisions as the memory store for a run of costs`, async () => {
      // Redis TIME and Date.now() read the same clock: each Redis check ran between `sent` and
      // the answer, and the memory store is asked at the answer's time. Times derive from the
      // first check's and the current one's, so they differ by at most those two spans (plus
      // rounding), however busy the machine.
      let clock = 0;
      let firstSpan: number | undefined;
      const memory = createMemoryStore({ now: () => clock });
      const rule: LimitRule = { algorithm, limit: 20, windowMs: HOUR };
      const key = `same:${algorithm}`;
      for (const cost of [1, 3, 2, 5, 21, 10, 1, 0, 4, 20, 1, 2]) {
        const sent = Date.now();
        const [fromRedis] = await redis.check([{ key, rule, cost }]);
        clock = Date.now();
        firstSpan ??= clock - sent;
        const slack = firstSpan + clock - sent + 2;
        const [fromMemory] = await memory.check([{ key, rule, cost }]);
        const what = `cost ${cost}: redis ${JSON.stringify(fromRedis)}, memory ${JSON.stringify(fromMemory)}`;
        assert.equal(fromRedis!.allowed, fromMemory!.allowed, what);
        assert.equal(fromRedis!.remaining, fromMemory!.remaining, what);
        assert.equal(fromRedis!.limit, 20);
        assert.ok(Math.abs(fromRedis!.resetMs - fromMemory!.resetMs) <= slack, what);
        assert.ok(Math.abs(fromRedis!.retryAfterMs - fromMemory!.retryAfterMs) <= slack, what);
      }
    });

    it(`${algorithm}: refused until retryAfterMs has passed, admitted after it`, async () => {
      const rule: LimitRule = { algorithm, limit: 3, windowMs: 300 };
      const key = `time:${algorithm}:${Date.now()}`;
      const answers = await redis.check(Array.from({ length: 4 }, () => ({ key, rule })));
      assert.deepEqual(
        answers.map((d) => d.allowed),
        [true, true, true, false],
      );
      const { retryAfterMs } = answers[3]!;
      assert.ok(retryAfterMs > 0 && retryAfterMs <= 600, String(retryAfterMs));
      await sleep(retryAfterMs + 20);
      const [again] = await redis.check([{ key, rule }]);
      assert.equal(again!.allowed, true, JSON.stringify(again));
      // Two windows later the key has expired in Redis and is whole again.
      await sleep(2 * rule.windowMs + 20);
      const [whole] = await redis.check([{ key, rule }]);
      assert.equal(whole!.remaining, 2, JSON.stringify(whole));
    });
  }
});
