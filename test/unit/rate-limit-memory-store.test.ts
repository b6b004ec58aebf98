/**
 * The memory store: exact in one process (200 concurrent checks on a limit of 50 admit exactly 50,
 * for each algorithm), answers in the checks' order, bounded (a full store neither grows nor
 * throws), expired keys forgotten, and bad checks rejected rather than counted.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createMemoryStore } from '../../gateway/rate-limit/store/memory-store.ts';
import type { LimitRule, RateLimitAlgorithm } from '../../gateway/rate-limit/store/types.ts';

const ALGORITHMS: RateLimitAlgorithm[] = ['token-bucket', 'sliding-window', 'fixed-window', 'gcra'];
const HOUR = 3_600_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % HOUR) + 60_000; // a minute into an hour

describe('memory rate-limit store', () => {
  for (const algorithm of ALGORITHMS) {
    it(`${algorithm}: 200 concurrent checks on a limit of 50 admit exactly 50`, async () => {
      const store = createMemoryStore();
      const rule: LimitRule = { algorithm, limit: 50, windowMs: HOUR };
      const decisions = await Promise.all(
        Array.from({ length: 200 }, () => store.check([{ key: 'client:a', rule }])),
      );
      assert.equal(decisions.filter(([d]) => d!.allowed).length, 50);
      await store.close();
    });
  }

  it('answers in the order of the checks, each key on its own', async () => {
    let now = T0;
    const store = createMemoryStore({ now: () => now });
    const rule: LimitRule = { algorithm: 'fixed-window', limit: 2, windowMs: 1_000 };
    const answers = await store.check([
      { key: 'a', rule },
      { key: 'b', rule, cost: 2 },
      { key: 'a', rule },
      { key: 'a', rule },
      { key: 'b', rule },
    ]);
    assert.deepEqual(
      answers.map((d) => [d.allowed, d.remaining]),
      [
        [true, 1],
        [true, 0],
        [true, 0],
        [false, 0],
        [false, 0],
      ],
    );
    now += 1_000;
    assert.equal((await store.check([{ key: 'a', rule }]))[0]!.allowed, true);
  });

  it('holds one algorithm per key: a check by another algorithm starts afresh', async () => {
    const store = createMemoryStore({ now: () => T0 });
    const limit = 1;
    for (const algorithm of ALGORITHMS) {
      const [d] = await store.check([{ key: 'k', rule: { algorithm, limit, windowMs: HOUR } }]);
      assert.equal(d!.allowed, true, algorithm);
    }
    assert.equal(store.size, 1);
    // The last algorithm's state is the one kept.
    const [again] = await store.check([{ key: 'k', rule: { algorithm: 'gcra', limit, windowMs: HOUR } }]);
    assert.equal(again!.allowed, false);
  });

  it('keeps a bounded heap when the same keys are written over and over', async () => {
    const store = createMemoryStore({ now: () => T0 });
    const rule: LimitRule = { algorithm: 'sliding-window', limit: 1e9, windowMs: HOUR };
    const checks = Array.from({ length: 1_000 }, (_, i) => ({ key: `k${i}`, rule }));
    // A collection before each reading, so that only what the store holds is counted.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heap = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    for (let i = 0; i < 100; i++) store.checkNow(checks);
    const before = heap();
    for (let i = 0; i < 2_000; i++) store.checkNow(checks);
    // 2 million rewrites of 1,000 keys: the store holds 1,000 entries, not their history.
    assert.equal(store.size, 1_000);
    assert.ok(heap() - before < 32 * 1024 * 1024, `heap grew by ${heap() - before} bytes`);
  });

  it('is bounded: a full store evicts the keys written longest ago, never grows, never throws', async () => {
    const now = T0;
    const store = createMemoryStore({ maxKeys: 100, now: () => now });
    const rule: LimitRule = { algorithm: 'gcra', limit: 1, windowMs: HOUR };
    for (let i = 0; i < 1_000; i++) await store.check([{ key: `k${i}`, rule }]);
    assert.equal(store.size, 100);
    // The newest keys are kept (still refused), the oldest were forgotten (admitted afresh).
    assert.equal((await store.check([{ key: 'k999', rule }]))[0]!.allowed, false);
    assert.equal((await store.check([{ key: 'k0', rule }]))[0]!.allowed, true);
    assert.equal(store.size, 100);
  });

  it('evicts by write order: a key written again outlives keys written since before it', async () => {
    const store = createMemoryStore({ maxKeys: 3, now: () => T0 });
    const rule: LimitRule = { algorithm: 'fixed-window', limit: 5, windowMs: HOUR };
    for (const key of ['a', 'b', 'c']) await store.check([{ key, rule }]);
    await store.check([{ key: 'a', rule }]); // a is now the newest write
    await store.check([{ key: 'd', rule }]); // evicts b, the oldest
    await store.check([{ key: 'e', rule }]); // evicts c
    assert.equal(store.size, 3);
    assert.equal((await store.check([{ key: 'a', rule }]))[0]!.remaining, 2, 'a kept its two spends');
    assert.equal((await store.check([{ key: 'b', rule }]))[0]!.remaining, 4, 'b starts afresh');
  });

  it('stays bounded and keeps the newest keys through many evictions', async () => {
    const store = createMemoryStore({ maxKeys: 1_000, now: () => T0 });
    const rule: LimitRule = { algorithm: 'gcra', limit: 1, windowMs: HOUR };
    for (let i = 0; i < 50_000; i++) {
      store.checkNow([{ key: `k${i}`, rule }]);
      if (i % 7 === 0) store.checkNow([{ key: `k${i - 1}`, rule }]); // written again: moved to the end
      assert.ok(store.size <= 1_000);
    }
    assert.equal(store.checkNow([{ key: 'k49999', rule }])[0]!.allowed, false, 'the newest key is kept');
    assert.equal(store.checkNow([{ key: 'k0', rule }])[0]!.allowed, true, 'the oldest was forgotten');
  });

  it('forgets expired keys first when full', async () => {
    let now = T0;
    const store = createMemoryStore({ maxKeys: 10, now: () => now });
    const short: LimitRule = { algorithm: 'fixed-window', limit: 1, windowMs: 1_000 };
    const long: LimitRule = { algorithm: 'fixed-window', limit: 1, windowMs: HOUR };
    await store.check([{ key: 'long', rule: long }]);
    for (let i = 0; i < 9; i++) await store.check([{ key: `short${i}`, rule: short }]);
    assert.equal(store.size, 10);
    now += 2_000; // every short key has expired
    await store.check([{ key: 'new', rule: long }]);
    assert.equal(store.size, 2, 'the expired keys were swept, not the live one');
    assert.equal((await store.check([{ key: 'long', rule: long }]))[0]!.allowed, false, 'still counted');
  });

  it('a refused check writes nothing (no key is created for a cost above the limit)', async () => {
    const store = createMemoryStore();
    const [d] = await store.check([
      { key: 'x', rule: { algorithm: 'token-bucket', limit: 1, windowMs: 1_000 }, cost: 2 },
    ]);
    assert.equal(d!.allowed, false);
    assert.equal(store.size, 0);
  });

  it('rejects a check with an impossible rule or cost, without counting', async () => {
    const store = createMemoryStore();
    const rule: LimitRule = { algorithm: 'gcra', limit: 1, windowMs: 1_000 };
    await assert.rejects(store.check([{ key: 'x', rule: { ...rule, limit: 0 } }]), TypeError);
    await assert.rejects(store.check([{ key: 'x', rule, cost: -1 }]), TypeError);
    await assert.rejects(store.check([{ key: 'x', rule, cost: 1.5 }]), TypeError);
    await assert.rejects(store.check([{ key: 'x', rule: { ...rule, windowMs: Number.NaN } }]), TypeError);
    assert.throws(() => createMemoryStore({ maxKeys: 0 }), TypeError);
  });
});

describe('memory store: checks together', () => {
  it('spends none of a request one check refuses, and all of one every check admits', async () => {
    const store = createMemoryStore();
    const tight = { algorithm: 'fixed-window', limit: 1, windowMs: 60_000 } as const;
    const loose = { algorithm: 'token-bucket', limit: 10, windowMs: 60_000 } as const;
    const request = [
      { key: 't', rule: tight },
      { key: 'l', rule: loose },
    ];
    assert.deepEqual(
      (await store.check(request, { together: true })).map((d) => [d.allowed, d.remaining]),
      [
        [true, 0],
        [true, 9],
      ],
    );
    assert.deepEqual(
      (await store.check(request, { together: true })).map((d) => [d.allowed, d.remaining]),
      [
        [false, 0],
        [true, 9],
      ],
    );
    assert.equal((await store.check([{ key: 'l', rule: loose }]))[0]?.remaining, 8);
  });
});
