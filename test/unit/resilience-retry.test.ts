/** Retry budget, backoff with full jitter, Retry-After, and the deadline of one call. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay, retryAfterMs } from '../../gateway/resilience/backoff.ts';
import { RetryBudget } from '../../gateway/resilience/retry-budget.ts';

describe('retry budget', () => {
  it('allows at most its share of calls, and `minRetries` whatever the share', () => {
    const budget = new RetryBudget({ budget: 0.1, minRetries: 2, budgetWindow: 10_000 });
    let allowed = 0;
    for (let i = 0; i < 100; i++) {
      budget.called(i);
      if (budget.tryRetry(i)) allowed++;
    }
    assert.equal(allowed, 10);
    const quiet = new RetryBudget({ budget: 0.1, minRetries: 2, budgetWindow: 10_000 });
    quiet.called(0);
    assert.equal(quiet.tryRetry(0), true);
    assert.equal(quiet.tryRetry(0), true);
    assert.equal(quiet.tryRetry(0), false);
  });

  it('refills as the window slides', () => {
    const budget = new RetryBudget({ budget: 0.5, minRetries: 0, budgetWindow: 1_000 });
    budget.called(0);
    budget.called(0);
    assert.equal(budget.tryRetry(0), true);
    assert.equal(budget.tryRetry(0), false);
    budget.called(1_500);
    budget.called(1_500);
    assert.equal(budget.tryRetry(1_500), true);
  });
});

describe('backoff', () => {
  it('full jitter under an exponential ceiling capped at maxDelay', () => {
    assert.equal(
      backoffDelay(1, 100, 1_000, () => 0.999),
      99,
    );
    assert.equal(
      backoffDelay(3, 100, 1_000, () => 0.5),
      200,
    );
    assert.equal(
      backoffDelay(10, 100, 1_000, () => 0.5),
      500,
    );
    assert.equal(
      backoffDelay(2, 100, 1_000, () => 0),
      0,
    );
  });

  it('reads Retry-After in seconds or as a date', () => {
    assert.equal(retryAfterMs('2'), 2_000);
    assert.equal(retryAfterMs(['3']), 3_000);
    const now = Date.parse('2026-11-29T10:00:00Z');
    assert.equal(retryAfterMs('Sun, 29 Nov 2026 10:00:05 GMT', now), 5_000);
    assert.equal(retryAfterMs('soon'), undefined);
    assert.equal(retryAfterMs(undefined), undefined);
  });
});

describe('deadline of a request', () => {
  it('the header shortens it, never lengthens it; a batch keeps the first', async () => {
    const { useDeadline } = await import('../../gateway/resilience/deadline.ts');
    const { deadlineOf } = await import('../../core/deadline.ts');
    const plugin = useDeadline({ timeout: 1_000, header: 'x-request-timeout' });
    const onParams = plugin.onParams as (hook: unknown) => void;
    const run = (value?: string) => {
      const request = new Request('http://gateway/graphql', {
        headers: value === undefined ? {} : { 'x-request-timeout': value },
      });
      const before = Date.now();
      onParams({ request, params: {}, setParams() {}, setResult() {} });
      const at = deadlineOf(request.signal);
      assert.ok(at !== undefined);
      return { left: at - before, request };
    };
    const asked = run('500').left;
    assert.ok(asked >= 500 && asked < 600, `500 ms asked, ${asked} left`);
    assert.ok(run('2s').left < 1_100, 'never longer than deadline.timeout');
    assert.ok(run().left > 900);
    const { request } = run('300ms');
    const first = deadlineOf(request.signal);
    onParams({ request, params: {}, setParams() {}, setResult() {} });
    assert.equal(deadlineOf(request.signal), first, 'the second operation of a batch keeps it');
  });
});
