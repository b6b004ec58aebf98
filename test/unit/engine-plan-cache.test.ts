/** The plan cache: least recently used out first, bounded by count and by bytes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPlanCache } from '../../gateway/engine/plan-cache.ts';

describe('plan cache', () => {
  it('drops the least recently used entry past maxEntries', () => {
    const cache = createPlanCache<string>({ maxEntries: 2, maxBytes: 1_000 });
    cache.set('a', 'A', 10);
    cache.set('b', 'B', 10);
    assert.equal(cache.get('a'), 'A'); // a is now the most recent
    cache.set('c', 'C', 10);
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.get('a'), 'A');
    assert.equal(cache.get('c'), 'C');
    assert.equal(cache.size, 2);
  });

  it('drops old entries until the bytes fit, and keeps no entry larger than maxBytes', () => {
    const cache = createPlanCache<string>({ maxEntries: 100, maxBytes: 100 });
    cache.set('a', 'A', 40);
    cache.set('b', 'B', 40);
    cache.set('c', 'C', 40);
    assert.equal(cache.get('a'), undefined);
    assert.equal(cache.bytes, 80);
    cache.set('huge', 'H', 101);
    assert.equal(cache.get('huge'), undefined);
    assert.equal(cache.size, 2);
  });

  it('replacing a key counts its bytes once', () => {
    const cache = createPlanCache<string>({ maxEntries: 10, maxBytes: 100 });
    cache.set('a', 'A', 60);
    cache.set('a', 'A2', 30);
    assert.equal(cache.bytes, 30);
    assert.equal(cache.get('a'), 'A2');
  });
});
