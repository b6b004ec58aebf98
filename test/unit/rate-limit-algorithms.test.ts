/**
 * The four rate-limit algorithms against a fake clock: each admits exactly its limit, refills or
 * slides as documented, counts costs above 1, never spends on refusal, and tells when to retry
 * (`retryAfterMs` is exact: one millisecond earlier is still refused).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AlgorithmStates, runAlgorithm } from '../../gateway/rate-limit/store/algorithms.ts';
import type { RateLimitAlgorithm, RateLimitDecision } from '../../gateway/rate-limit/store/types.ts';

const ALGORITHMS: RateLimitAlgorithm[] = ['token-bucket', 'sliding-window', 'fixed-window', 'gcra'];
const WINDOW = 1_000; // 1 s
const T0 = 1_700_000_000_000; // a multiple of the window: the start of a fixed window

/** One key under one rule, its state kept between checks as a store would keep it. */
function counter(algorithm: RateLimitAlgorithm, limit = 5, windowMs = WINDOW) {
  let state: AlgorithmStates[RateLimitAlgorithm] | undefined;
  return {
    at(now: number, cost = 1): RateLimitDecision & { ttlMs: number } {
      const outcome = runAlgorithm({ algorithm, limit, windowMs }, state, now, cost);
      if (outcome.state) state = outcome.state;
      else assert.equal(outcome.decision.allowed, false, 'an admitted check returns its new state');
      return { ...outcome.decision, ttlMs: outcome.ttlMs };
    },
  };
}

for (const algorithm of ALGORITHMS) {
  describe(`${algorithm}`, () => {
    it('admits exactly the limit at once on a fresh key, counting remaining down to 0', () => {
      const c = counter(algorithm);
      const remaining = [0, 1, 2, 3, 4].map(() => c.at(T0).remaining);
      assert.deepEqual(remaining, [4, 3, 2, 1, 0]);
      const refused = c.at(T0);
      assert.equal(refused.allowed, false);
      assert.equal(refused.remaining, 0);
      assert.equal(refused.limit, 5);
      assert.ok(refused.retryAfterMs > 0);
    });

    it('spends nothing on refusal: refusals leave the time of the next admission unchanged', () => {
      const a = counter(algorithm);
      const b = counter(algorithm);
      for (let i = 0; i < 5; i++) {
        a.at(T0);
        b.at(T0);
      }
      for (let i = 0; i < 20; i++) assert.equal(a.at(T0 + i).allowed, false);
      const retry = b.at(T0).retryAfterMs;
      assert.equal(a.at(T0 + retry).allowed, true);
      assert.equal(b.at(T0 + retry).allowed, true);
    });

    it('is whole again after the reset it announces', () => {
      const c = counter(algorithm);
      let last: RateLimitDecision | undefined;
      for (let i = 0; i < 5; i++) last = c.at(T0 + 100);
      assert.ok(last && last.resetMs > 0 && last.resetMs <= 2 * WINDOW);
      const later = counter(algorithm);
      for (let i = 0; i < 5; i++) later.at(T0 + 100);
      const afterReset = [0, 1, 2, 3, 4].map(() => later.at(T0 + 100 + last!.resetMs).allowed);
      assert.deepEqual(afterReset, [true, true, true, true, true]);
    });

    it('counts a cost above 1, and refuses a cost above what is left while a smaller one passes', () => {
      const c = counter(algorithm, 10);
      assert.equal(c.at(T0, 3).remaining, 7);
      assert.equal(c.at(T0, 3).remaining, 4);
      assert.equal(c.at(T0, 3).remaining, 1);
      assert.equal(c.at(T0, 3).allowed, false);
      assert.equal(c.at(T0, 1).allowed, true);
      assert.equal(c.at(T0, 1).allowed, false);
    });

    it('never admits a cost above the limit; its retryAfterMs is the window', () => {
      const c = counter(algorithm, 5);
      const d = c.at(T0, 6);
      assert.equal(d.allowed, false);
      assert.equal(d.retryAfterMs, WINDOW);
      assert.equal(c.at(T0 + 10 * WINDOW, 6).allowed, false);
      assert.equal(c.at(T0, 5).allowed, true, 'nothing was spent');
    });

    it('retryAfterMs is exact: refused 1 ms before it, admitted at it', () => {
      for (const start of [T0, T0 + 300, T0 + 999]) {
        for (const cost of [1, 2]) {
          const probe = counter(algorithm);
          for (let i = 0; i < 5; i++) probe.at(start);
          const { retryAfterMs } = probe.at(start, cost);
          assert.ok(retryAfterMs > 0);
          const early = counter(algorithm);
          for (let i = 0; i < 5; i++) early.at(start);
          assert.equal(early.at(start + retryAfterMs - 1, cost).allowed, false, `${start} cost ${cost}`);
          assert.equal(probe.at(start + retryAfterMs, cost).allowed, true, `${start} cost ${cost}`);
        }
      }
    });

    it('keeps a state no longer than it matters (ttl within two windows)', () => {
      const d = counter(algorithm).at(T0 + 250);
      assert.ok(d.ttlMs >= 1 && d.ttlMs <= 2 * WINDOW, String(d.ttlMs));
    });
  });
}

describe('documented behaviour of each algorithm', () => {
  it('token bucket refills continuously: one token per window / limit', () => {
    const c = counter('token-bucket');
    for (let i = 0; i < 5; i++) c.at(T0);
    assert.equal(c.at(T0).retryAfterMs, 200);
    assert.equal(c.at(T0 + 199).allowed, false);
    assert.equal(c.at(T0 + 200).allowed, true);
    assert.equal(c.at(T0 + 200).allowed, false);
    const d = c.at(T0 + 1_200);
    assert.equal(d.remaining, 4, 'full after a window, then one spent');
    assert.equal(d.resetMs, 200);
  });

  it('sliding window weighs the previous window by the part of it still inside the window', () => {
    const c = counter('sliding-window');
    for (let i = 0; i < 5; i++) assert.equal(c.at(T0 + 500).allowed, true);
    // 30% into the next window: estimate = 5 × 0.7 = 3.5; 3.5 + 1 ≤ 5, 4.5 + 1 > 5.
    const first = c.at(T0 + 1_300);
    assert.equal(first.allowed, true);
    assert.equal(first.remaining, 0);
    assert.equal(first.resetMs, 1_700, 'the count of this window slides out at the end of the next');
    const refused = c.at(T0 + 1_300);
    assert.equal(refused.allowed, false);
    // 5 × (1 − e) + 1 + 1 ≤ 5 → e ≥ 0.4: 100 ms later.
    assert.equal(refused.retryAfterMs, 100);
    // Two windows later, nothing counts.
    assert.equal(c.at(T0 + 3_000).remaining, 4);
  });

  it('fixed window: windows aligned on multiples of the window; a new window starts afresh', () => {
    const c = counter('fixed-window');
    for (let i = 0; i < 5; i++) c.at(T0 + 990);
    const refused = c.at(T0 + 990);
    assert.equal(refused.retryAfterMs, 10);
    assert.equal(refused.resetMs, 10);
    const next = c.at(T0 + 1_000);
    assert.equal(next.allowed, true);
    assert.equal(next.remaining, 4);
    assert.equal(next.resetMs, 1_000);
  });

  it('gcra: after the burst, one request per emission interval (window / limit)', () => {
    const c = counter('gcra');
    for (let i = 0; i < 5; i++) c.at(T0);
    const refused = c.at(T0);
    assert.equal(refused.retryAfterMs, 200);
    assert.equal(refused.resetMs, 1_000);
    assert.equal(c.at(T0 + 200).allowed, true);
    assert.equal(c.at(T0 + 200).allowed, false);
    assert.equal(c.at(T0 + 400).remaining, 0);
    assert.equal(c.at(T0 + 2_000).remaining, 4);
  });

  it('a limit that does not divide the window still admits exactly the limit (no rounding loss)', () => {
    for (const algorithm of ALGORITHMS) {
      const c = counter(algorithm, 3, 1_000);
      const admitted = Array.from({ length: 5 }, () => c.at(T0).allowed).filter(Boolean).length;
      assert.equal(admitted, 3, algorithm);
    }
  });

  it('a clock that steps back never admits more', () => {
    for (const algorithm of ALGORITHMS) {
      const c = counter(algorithm);
      for (let i = 0; i < 5; i++) c.at(T0 + 500);
      assert.equal(c.at(T0 + 400).allowed, false, algorithm);
    }
  });
});
