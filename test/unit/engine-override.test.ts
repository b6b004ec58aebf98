/** Progressive override buckets: each drawn number maps to the plan outcome it gets. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { overrideBucket, sortedPercentages } from '../../gateway/engine/override.ts';

describe('overrideBucket', () => {
  const percentages = sortedPercentages([50, 10, 50, 90]);

  it('sorts the percentages and drops repeats', () => {
    assert.deepEqual(percentages, [10, 50, 90]);
  });

  it('maps a draw to the largest percentage at or below it (0 below them all)', () => {
    const cases: Array<[number, number]> = [
      [0, 0],
      [9.99, 0],
      [10, 10],
      [49.5, 10],
      [50, 50],
      [89.99, 50],
      [90, 90],
      [99.99, 90],
    ];
    for (const [draw, bucket] of cases)
      assert.equal(overrideBucket(percentages, draw), bucket, `draw ${draw}`);
  });

  it('has one bucket without percentages', () => {
    assert.equal(overrideBucket([], 42), 0);
  });
});
