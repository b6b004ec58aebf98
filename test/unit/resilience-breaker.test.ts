/**
 * The circuit breaker's state machine, on a clock the test moves: closed → open on a failure rate
 * over the window with a minimum of calls (hung calls count from the slow threshold), open → half
 * -open after a wait that doubles up to its cap, half-open → closed when every probe succeeds.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BreakerTransition, CircuitBreaker } from '../../gateway/resilience/breaker.ts';

const CONFIG = {
  window: 10_000,
  minimumCalls: 10,
  failureRate: 0.5,
  slowCallThreshold: 1_000,
  slowCallRate: 1,
  openDuration: 5_000,
  maxOpenDuration: 12_000,
  halfOpenCalls: 2,
};

function breaker(overrides: Partial<typeof CONFIG> = {}) {
  const changes: BreakerTransition[] = [];
  return { breaker: new CircuitBreaker({ ...CONFIG, ...overrides }, (c) => changes.push(c)), changes };
}

/** Sends `count` calls at `now`, settled at once as `failed`. */
function calls(b: CircuitBreaker, now: number, count: number, failed: boolean): void {
  for (let i = 0; i < count; i++) {
    const ticket = b.admit(now);
    assert.ok(ticket, `call ${i} at ${now} was let through`);
    b.settle(ticket, failed, now);
  }
}

describe('circuit breaker', () => {
  it('stays closed below the minimum of calls, whatever fails', () => {
    const { breaker: b } = breaker();
    calls(b, 0, 9, true);
    assert.equal(b.state, 'closed');
  });

  it('opens at the failure rate once the minimum is reached, and refuses calls', () => {
    const { breaker: b, changes } = breaker();
    calls(b, 0, 5, false);
    calls(b, 10, 4, true);
    assert.equal(b.state, 'closed');
    calls(b, 20, 1, true);
    assert.equal(b.state, 'open');
    assert.deepEqual(changes[0], {
      from: 'closed',
      to: 'open',
      calls: 10,
      failures: 5,
      slow: 0,
      openFor: 5_000,
    });
    assert.equal(b.admit(30), undefined);
    assert.equal(b.refuses(30), true);
    assert.equal(b.retryIn(30), 4_990);
  });

  it('forgets calls older than the window', () => {
    const { breaker: b } = breaker();
    calls(b, 0, 9, true);
    calls(b, 11_000, 1, true);
    assert.equal(b.state, 'closed');
  });

  it('judges slow calls by their own rate: some slow calls do not open it', () => {
    const { breaker: b } = breaker();
    for (let i = 0; i < 9; i++) b.settle(b.admit(0)!, false, 1_500);
    b.settle(b.admit(2_000)!, false, 2_010);
    assert.equal(b.state, 'closed', '9 of 10 slow: under a slowCallRate of 1');
    const { breaker: half } = breaker({ slowCallRate: 0.5 });
    for (let i = 0; i < 5; i++) half.settle(half.admit(0)!, false, 10);
    for (let i = 0; i < 5; i++) half.settle(half.admit(100)!, false, 1_500);
    assert.equal(half.state, 'open');
  });

  it('a released call that had been slow counts as slow', () => {
    const { breaker: b } = breaker({ minimumCalls: 2 });
    b.release(b.admit(0)!, 500);
    assert.equal(b.state, 'closed');
    b.release(b.admit(0)!, 1_500);
    b.release(b.admit(0)!, 1_600);
    assert.equal(b.state, 'open', 'two calls cut after being slow');
  });

  it('counts a call in flight past the slow threshold as slow before it ends', () => {
    const { breaker: b } = breaker({ minimumCalls: 5 });
    const hung = Array.from({ length: 5 }, () => b.admit(0));
    assert.ok(hung.every(Boolean));
    assert.ok(b.admit(999), 'not slow yet');
    assert.equal(b.admit(1_000), undefined, 'five hung calls and one more: open');
    assert.equal(b.state, 'open');
    // Their late ends change nothing.
    for (const ticket of hung) b.settle(ticket!, true, 20_000);
    assert.equal(b.state, 'open');
  });

  it('half-open lets probes through; all succeed: closed, the window forgotten', () => {
    const { breaker: b } = breaker();
    calls(b, 0, 10, true);
    assert.equal(b.state, 'open');
    const p1 = b.admit(5_000);
    assert.equal(b.state, 'half-open');
    const p2 = b.admit(5_001);
    assert.ok(p1 && p2);
    assert.equal(b.admit(5_002), undefined, 'only two probes');
    b.settle(p1, false, 5_010);
    assert.equal(b.state, 'half-open');
    b.settle(p2, false, 5_020);
    assert.equal(b.state, 'closed');
    calls(b, 5_030, 9, true);
    assert.equal(b.state, 'closed', 'the failures before it opened are forgotten');
  });

  it('a failed probe opens it again for twice as long, up to the cap; a close resets the wait', () => {
    const { breaker: b, changes } = breaker();
    calls(b, 0, 10, true);
    let now = 5_000;
    for (const expected of [10_000, 12_000, 12_000]) {
      const probe = b.admit(now);
      assert.ok(probe);
      b.settle(probe, true, now);
      assert.equal(changes.at(-1)?.openFor, expected);
      now += expected;
    }
    const probes = [b.admit(now), b.admit(now)];
    for (const probe of probes) b.settle(probe!, false, now);
    assert.equal(b.state, 'closed');
    calls(b, now, 10, true);
    assert.equal(changes.at(-1)?.openFor, 5_000);
  });

  it('a slow probe fails, and a released ticket is not counted', () => {
    const { breaker: b } = breaker({ halfOpenCalls: 1 });
    calls(b, 0, 10, true);
    const probe = b.admit(5_000);
    assert.ok(probe);
    b.settle(probe, false, 6_500);
    assert.equal(b.state, 'open', 'a probe slower than the threshold failed');
    const next = b.admit(20_000);
    assert.ok(next);
    b.release(next, 20_000);
    const again = b.admit(20_001);
    assert.ok(again, 'the released probe freed its place');
  });
});
