/**
 * The Redis rate-limit store against a real redis-server (no mock): two clients standing for two
 * gateways admit exactly the limit together, for each algorithm; one `check` of many keys is one
 * round trip; a pipeline whose replies partly fail keeps the good ones (and, behind the fail
 * modes, only the failed checks fail open or closed); scripts come back after SCRIPT FLUSH; keys expire; a slow or killed Redis makes
 * `check` reject within its deadline (no crash, no unhandled rejection), and a returning Redis is
 * used again without help. (Cluster and Sentinel: rate-limit-redis-topologies.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createGuardedStore, type GuardedCheck } from '../../gateway/rate-limit/guarded-store.ts';
import { createMemoryStore } from '../../gateway/rate-limit/store/memory-store.ts';
import { createRedisStore } from '../../gateway/rate-limit/store/redis-store.ts';
import {
  type LimitRule,
  PartialCheckError,
  type RateLimitAlgorithm,
  type RateLimitStore,
} from '../../gateway/rate-limit/store/types.ts';
import { createRedisConnection, type RedisConnection } from '../../gateway/redis/index.ts';
import { recordingLogger } from '../helpers/logger.ts';
import { type RedisServer, redisMissing, startRedis } from '../helpers/redis-server.ts';

const ALGORITHMS: RateLimitAlgorithm[] = ['token-bucket', 'sliding-window', 'fixed-window', 'gcra'];
const HOUR = 3_600_000; // long windows: a window boundary during a test is negligible
const RELAXED = 2_000; // deadline of the stores that test counting, not deadlines (a busy CI machine)
let unique = 0;
const keyOf = (name: string) => `${name}:${process.pid}:${++unique}`;

async function connect(url: string, logger = recordingLogger()): Promise<RedisConnection> {
  const connection = createRedisConnection({ url, logger });
  await connection.ready();
  return connection;
}

/** Until `probe` resolves truthy, every 50 ms, at most `ms`. */
async function eventually<T>(probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  for (let waited = 0; waited <= ms; waited += 50) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    await sleep(50);
  }
  throw new Error(`not within ${ms} ms`);
}

function info(text: string, field: string): number {
  const match = new RegExp(`${field}[:=](\\d+)`).exec(text);
  return match ? Number(match[1]) : 0;
}

describe('redis rate-limit store', { skip: redisMissing }, () => {
  let server: RedisServer;
  let gatewayA: RedisConnection;
  let gatewayB: RedisConnection;
  let observer: Redis;
  let storeA: RateLimitStore;
  let storeB: RateLimitStore;
  const prefix = `test:${process.pid}:`;

  before(async () => {
    server = await startRedis();
    gatewayA = await connect(server.url);
    gatewayB = await connect(server.url);
    observer = new Redis(server.url);
    storeA = createRedisStore(gatewayA.client, { prefix, deadlineMs: RELAXED });
    storeB = createRedisStore(gatewayB.client, { prefix, deadlineMs: RELAXED });
  });
  after(async () => {
    await gatewayA?.close();
    await gatewayB?.close();
    observer?.disconnect();
    await server?.stop();
  });

  for (const algorithm of ALGORITHMS) {
    it(`${algorithm}: two gateways, 200 interleaved concurrent checks on a limit of 50, admit exactly 50`, async () => {
      const rule: LimitRule = { algorithm, limit: 50, windowMs: HOUR };
      const key = keyOf(algorithm);
      const decisions = await Promise.all(
        Array.from({ length: 200 }, (_, i) => (i % 2 ? storeA : storeB).check([{ key, rule }])),
      );
      assert.equal(decisions.filter(([d]) => d!.allowed).length, 50);
      const refused = decisions.find(([d]) => !d!.allowed)![0]!;
      assert.equal(refused.remaining, 0);
      // Up to two windows: the sliding window's current one full, it waits for the next and for
      // this one to weigh less (the test may run just after a window starts, at the top of an hour).
      assert.ok(
        refused.retryAfterMs > 0 && refused.retryAfterMs <= 2 * HOUR,
        `retry after ${refused.retryAfterMs} ms`,
      );
    });

    it(`${algorithm}: one pipeline of 200 checks of one key with cost 2 admits 25; nothing spent on refusal`, async () => {
      const rule: LimitRule = { algorithm, limit: 50, windowMs: HOUR };
      const key = keyOf(algorithm);
      const decisions = await storeA.check(Array.from({ length: 200 }, () => ({ key, rule, cost: 2 })));
      assert.deepEqual(
        decisions.slice(0, 3).map((d) => d.remaining),
        [48, 46, 44],
      );
      assert.equal(decisions.filter((d) => d.allowed).length, 25);
      const [over] = await storeB.check([{ key: keyOf(algorithm), rule, cost: 51 }]);
      assert.equal(over!.allowed, false);
      assert.equal(over!.retryAfterMs, HOUR);
    });
  }

  for (const algorithm of ALGORITHMS) {
    it(`${algorithm}: together, a request one check refuses spends none of the others; else all`, async () => {
      const tight: LimitRule = { algorithm, limit: 1, windowMs: HOUR };
      const loose: LimitRule = { algorithm, limit: 10, windowMs: HOUR };
      const [a, b] = [keyOf(`${algorithm}-t`), keyOf(`${algorithm}-l`)];
      const request = [
        { key: a, rule: tight },
        { key: b, rule: loose },
      ];
      const first = await storeA.check(request, { together: true });
      assert.deepEqual(
        first.map((d) => [d.allowed, d.remaining]),
        [
          [true, 0],
          [true, 9],
        ],
      );
      // Refused by the tight limit: the loose one answers what is left, unspent.
      const second = await storeB.check(request, { together: true });
      assert.deepEqual(
        second.map((d) => [d.allowed, d.remaining]),
        [
          [false, 0],
          [true, 9],
        ],
      );
      const [loneLoose] = await storeA.check([{ key: b, rule: loose }]);
      assert.equal(loneLoose!.remaining, 8);
      // 200 requests from two gateways on one tight limit of 50 and a loose one: 50 admitted,
      // and the loose one spent exactly 50 times.
      const [c, d] = [keyOf(`${algorithm}-c`), keyOf(`${algorithm}-d`)];
      const pair = [
        { key: c, rule: { algorithm, limit: 50, windowMs: HOUR } },
        { key: d, rule: { algorithm, limit: 1000, windowMs: HOUR } },
      ];
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) => (i % 2 ? storeA : storeB).check(pair, { together: true })),
      );
      assert.equal(answers.filter((r) => r.every((x) => x.allowed)).length, 50);
      const [after] = await storeA.check([{ key: d, rule: pair[1]!.rule }]);
      assert.equal(after!.remaining, 1000 - 51);
    });
  }

  it('when some replies of a pipeline fail, keeps the others (spent) and names only the failed checks', async () => {
    const rule: LimitRule = { algorithm: 'fixed-window', limit: 10, windowMs: HOUR };
    const [good, broken] = [keyOf('partial-good'), keyOf('partial-broken')];
    // A key of another type: the script's HMGET answers WRONGTYPE for this check only.
    await observer.set(`${prefix}fw:${broken}`, 'not a hash');
    const error = await storeA
      .check([
        { key: good, rule },
        { key: broken, rule },
      ])
      .then(
        () => assert.fail('a failed reply should reject'),
        (e: unknown) => e,
      );
    assert.ok(error instanceof PartialCheckError, String(error));
    assert.deepEqual(
      error.decisions.map((d) => d && [d.allowed, d.remaining]),
      [[true, 9], undefined],
    );
    assert.equal(await observer.hget(`${prefix}fw:${good}`, 'count'), '1');
    // Every reply failed: the store is out, no partial answer.
    const all = await storeA.check([{ key: broken, rule }]).catch((e: unknown) => e);
    assert.ok(all instanceof Error && !(all instanceof PartialCheckError), String(all));
  });

  it('behind its fail modes, a partly failed pipeline gives the failed checks their fail mode only', async () => {
    const rule: LimitRule = { algorithm: 'fixed-window', limit: 10, windowMs: HOUR };
    const fallback: LimitRule = { ...rule, limit: 3 };
    const guarded = createGuardedStore({
      primary: storeA,
      fallback: createMemoryStore(),
      logger: { ...recordingLogger(), debug: () => {} },
    });
    const [good, brokenOpen, brokenClosed] = [keyOf('g-good'), keyOf('g-open'), keyOf('g-closed')];
    await observer.set(`${prefix}fw:${brokenOpen}`, 'not a hash');
    await observer.set(`${prefix}fw:${brokenClosed}`, 'not a hash');
    const check = (key: string, onStoreError: 'open' | 'closed'): GuardedCheck => ({
      key,
      rule,
      onStoreError,
      fallback,
    });
    const answers = await guarded.check([
      check(good, 'open'),
      check(brokenOpen, 'open'),
      check(brokenClosed, 'closed'),
    ]);
    assert.deepEqual(
      answers.map((d) => [d.allowed, d.remaining, d.limit]),
      [
        [true, 9, 10], // Redis's answer, not the fallback's (3)
        [true, 2, 3], // counted in the process against its fallback limit
        [false, 0, 10], // fails closed
      ],
    );
    assert.equal(await observer.hget(`${prefix}fw:${good}`, 'count'), '1');
  });

  it('answers like the memory store on a fresh key: remaining, reset and retry-after', async () => {
    const rule: LimitRule = { algorithm: 'gcra', limit: 4, windowMs: 1_000 };
    const key = keyOf('values');
    const answers = await storeA.check(Array.from({ length: 5 }, () => ({ key, rule })));
    assert.deepEqual(
      answers.map((d) => [d.allowed, d.remaining, d.limit]),
      [
        [true, 3, 4],
        [true, 2, 4],
        [true, 1, 4],
        [true, 0, 4],
        [false, 0, 4],
      ],
    );
    assert.ok(answers[3]!.resetMs > 990 && answers[3]!.resetMs <= 1_000, String(answers[3]!.resetMs));
    assert.ok(
      answers[4]!.retryAfterMs > 240 && answers[4]!.retryAfterMs <= 250,
      String(answers[4]!.retryAfterMs),
    );
  });

  it('sends one check of many keys as one round trip', async () => {
    const checks = ALGORITHMS.flatMap((algorithm) =>
      Array.from({ length: 10 }, (_, i) => ({
        key: `rt:${i}`,
        rule: { algorithm, limit: 100, windowMs: HOUR },
      })),
    );
    await storeA.check(checks); // the first use on a connection sends EVAL, loading the scripts
    const before = (await observer.info('stats')) + (await observer.info('commandstats'));
    await storeA.check(checks);
    const afterText = (await observer.info('stats')) + (await observer.info('commandstats'));
    const evalsha = info(afterText, 'cmdstat_evalsha:calls') - info(before, 'cmdstat_evalsha:calls');
    // Reads by the server: the 40 checks, plus the observer's two INFO commands after them.
    const reads = info(afterText, 'total_reads_processed') - info(before, 'total_reads_processed');
    assert.equal(evalsha, 40);
    assert.equal(reads - 2, 1, `the 40 checks took ${reads - 2} reads`);
    // The measure tells round trips apart: the same checks one by one take one read each.
    const start = await observer.info('stats');
    for (const check of checks) await storeA.check([check]);
    const oneByOne =
      info(await observer.info('stats'), 'total_reads_processed') - info(start, 'total_reads_processed');
    assert.equal(oneByOne - 1, 40);
  });

  it('loads the scripts again after SCRIPT FLUSH, spending once per check', async () => {
    const rule: LimitRule = { algorithm: 'fixed-window', limit: 3, windowMs: HOUR };
    const key = keyOf('flush');
    await storeA.check([{ key: keyOf('warm'), rule }]);
    await observer.script('FLUSH');
    const answers = await storeA.check([
      { key, rule },
      { key, rule },
    ]);
    assert.deepEqual(
      answers.map((d) => d.remaining),
      [2, 1],
    );
    await observer.script('FLUSH');
    const [last, refused] = await storeB.check([
      { key, rule },
      { key, rule },
    ]);
    assert.deepEqual([last!.allowed, last!.remaining, refused!.allowed], [true, 0, false]);
  });

  it('sets a TTL on every key it writes (no longer than the state matters), under its prefix', async () => {
    const key = keyOf('ttl');
    const windowMs = 10_000;
    await storeA.check(ALGORITHMS.map((algorithm) => ({ key, rule: { algorithm, limit: 5, windowMs } })));
    const keys = (await observer.keys(`${prefix}*:${key}`)).sort();
    assert.deepEqual(
      keys,
      ['fw', 'gcra', 'sw', 'tb'].map((tag) => `${prefix}${tag}:${key}`),
    );
    for (const stored of keys) {
      const ttl = await observer.pttl(stored);
      assert.ok(ttl > 0 && ttl <= 2 * windowMs, `${stored}: ${ttl}`);
    }
  });

  it('does not take an answer that came in time for a late one after the event loop was busy', async () => {
    const store = createRedisStore(gatewayA.client, { prefix }); // the default deadline, 20 ms
    const rule: LimitRule = { algorithm: 'fixed-window', limit: 5, windowMs: HOUR };
    await eventually(() => store.check([{ key: keyOf('busy'), rule }]), 2_000); // scripts loaded
    const pending = store.check([{ key: keyOf('busy'), rule }]);
    const until = performance.now() + 200;
    while (performance.now() < until); // a 200 ms synchronous task: the answer arrives meanwhile
    const [decision] = await pending;
    assert.equal(decision!.allowed, true);
  });

  it('rejects after its deadline when Redis is slow, then answers again', async () => {
    const store = createRedisStore(gatewayA.client, { prefix }); // the default deadline
    const rule: LimitRule = { algorithm: 'token-bucket', limit: 5, windowMs: HOUR };
    await eventually(() => store.check([{ key: keyOf('slow'), rule }]), 2_000); // scripts loaded
    await observer.client('PAUSE', 1_000, 'ALL');
    const started = performance.now();
    await assert.rejects(store.check([{ key: keyOf('slow'), rule }]), /within 20 ms/);
    const took = performance.now() - started;
    // Well before the pause ends (a late answer would take 1 s); the margin is for a busy machine.
    assert.ok(took < 500, `rejected after ${took} ms`);
    await observer.client('UNPAUSE');
    await eventually(() => store.check([{ key: keyOf('slow'), rule }]), 2_000);
  });
});

describe('redis rate-limit store: Redis killed and back', { skip: redisMissing }, () => {
  let server: RedisServer;
  let connection: RedisConnection;
  const logger = recordingLogger();
  before(async () => {
    server = await startRedis();
    connection = await connect(server.url, logger);
  });
  after(async () => {
    await connection?.close();
    await server?.stop();
  });

  it('rejects within the deadline while Redis is away, with no unhandled rejection, and recovers by itself', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const store = createRedisStore(connection.client);
      const rule: LimitRule = { algorithm: 'sliding-window', limit: 1_000, windowMs: HOUR };
      const key = keyOf('killed');
      const [first] = await eventually(() => store.check([{ key, rule }]), 2_000); // scripts loaded
      assert.equal(first!.allowed, true);

      await server.kill();
      // Checks in flight when it dies, and checks while it is away: all reject, each promptly.
      for (let i = 0; i < 20; i++) {
        const started = performance.now();
        await assert.rejects(store.check([{ key, rule }]));
        const took = performance.now() - started;
        // The 20 ms deadline, plus a margin for timers on a busy machine.
        assert.ok(took < 20 + 200, `check ${i} rejected after ${took} ms`);
        await sleep(10);
      }
      assert.ok(logger.lines.some((l) => l.level === 'warn' && /lost/.test(l.message)));

      await server.restart(); // empty: nothing was saved
      const [back] = await eventually(() => store.check([{ key, rule }]), 5_000);
      assert.equal(back!.allowed, true);
      assert.ok(logger.lines.some((l) => l.level === 'info' && /is back/.test(l.message)));
      await sleep(20);
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('rejects at once before the first connection, without queueing, and logs the outage once', async () => {
    const lines = recordingLogger();
    const never = createRedisConnection({ url: 'redis://127.0.0.1:1', connectTimeout: 200, logger: lines });
    try {
      const store = createRedisStore(never.client);
      await assert.rejects(
        store.check([{ key: 'k', rule: { algorithm: 'gcra', limit: 1, windowMs: 1_000 } }]),
        /not ready/,
      );
      await sleep(400); // several reconnection attempts (50, 100, 200 ms apart)
      assert.deepEqual(
        lines.lines.map((l) => l.level),
        ['warn'],
      );
      assert.match(lines.lines[0]!.message, /cannot connect to 127\.0\.0\.1:1/);
    } finally {
      await never.close();
    }
  });
});
