/** Load-balancing strategies: round robin, least in flight, smooth weighted round robin. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { leastInFlight, roundRobin, smoothWeighted } from '../../gateway/load-balancing/strategies.ts';
import { createTarget, suffixAfter, type Target, targetUrl } from '../../gateway/load-balancing/target.ts';

const targets = (...weights: number[]) =>
  weights.map((weight, i) => createTarget({ url: `http://127.0.0.1:${4001 + i}/graphql`, weight }));
const all = () => true;
const counts = (picked: Array<Target | undefined>, of: readonly Target[]) =>
  of.map((target) => picked.filter((p) => p === target).length);

describe('round robin', () => {
  it('takes each target in turn, skipping those that may not take the call', () => {
    const [a, b, c] = targets(1, 1, 1) as [Target, Target, Target];
    const pick = roundRobin([a, b, c]);
    assert.deepEqual([pick(all), pick(all), pick(all), pick(all)], [a, b, c, a]);
    const notB = (t: Target) => t !== b;
    assert.deepEqual([pick(notB), pick(notB), pick(notB)], [c, a, c]);
    assert.equal(
      pick(() => false),
      undefined,
    );
  });
});

describe('least in flight', () => {
  it('takes the target with the fewest calls in flight, equals in turn', () => {
    const [a, b] = targets(1, 1) as [Target, Target];
    const pick = leastInFlight([a, b]);
    assert.deepEqual([pick(all), pick(all), pick(all)], [a, b, a]);
    a.inFlight = 3;
    assert.deepEqual([pick(all), pick(all)], [b, b]);
    b.inFlight = 5;
    assert.equal(pick(all), a);
    assert.equal(
      pick((t) => t !== a),
      b,
    );
  });
});

describe('smooth weighted round robin', () => {
  it('gives exactly 95 and 5 calls in every 100 for weights 95 and 5, spread out', () => {
    const list = targets(95, 5);
    const pick = smoothWeighted(list);
    const picked = Array.from({ length: 100 }, () => pick(all));
    assert.deepEqual(counts(picked, list), [95, 5]);
    // Spread: the second never twice in a row.
    for (let i = 1; i < picked.length; i++) assert.ok(!(picked[i] === list[1] && picked[i - 1] === list[1]));
    // Any 100 calls in a row, not only the first.
    const later = Array.from({ length: 100 }, () => pick(all));
    assert.deepEqual(counts(later, list), [95, 5]);
  });

  it('spreads 5, 1, 1 as nginx does', () => {
    const [a, b, c] = targets(5, 1, 1) as [Target, Target, Target];
    const pick = smoothWeighted([a, b, c]);
    const names = new Map([
      [a, 'a'],
      [b, 'b'],
      [c, 'c'],
    ]);
    const order = Array.from({ length: 7 }, () => names.get(pick(all)!)).join('');
    assert.equal(order, 'aabacaa');
  });

  it('shares a skipped target’s calls among the others by their weights', () => {
    const list = targets(2, 1, 1);
    const pick = smoothWeighted(list);
    const picked = Array.from({ length: 30 }, () => pick((t) => t !== list[1]));
    assert.deepEqual(counts(picked, list), [20, 0, 10]);
  });
});

describe('URL rewriting', () => {
  it('replaces the subgraph URL, or the base of a path below it, by the target’s', () => {
    const [target] = targets(1) as [Target];
    const suffix = suffixAfter('http://products/graphql');
    assert.equal(targetUrl(target, suffix('http://products/graphql')!), 'http://127.0.0.1:4001/graphql');
    const rest = suffixAfter('http://api.internal/v1/');
    const base = createTarget({ url: 'http://127.0.0.1:9000/api/v1/' });
    assert.equal(
      targetUrl(base, rest('http://api.internal/v1/users/1?x=2')!),
      'http://127.0.0.1:9000/api/v1/users/1?x=2',
    );
    assert.equal(targetUrl(base, rest('http://api.internal/v1?x=2')!), 'http://127.0.0.1:9000/api/v1?x=2');
    // A prefix as text, not as a URL; another host.
    assert.equal(rest('http://api.internal/v10/users'), undefined);
    assert.equal(rest('http://other/v1/users'), undefined);
  });
});
