import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { leadingOperationName } from '../../core/operation-name.ts';

describe('the operation name a document begins with (metrics and access log labels)', () => {
  it('is read after spaces, commas and comments', () => {
    assert.equal(leadingOperationName('query Top { a }'), 'Top');
    assert.equal(leadingOperationName('\n# a comment\n ,mutation\tSave($x: Int) { a }'), 'Save');
    assert.equal(leadingOperationName('\ufeffsubscription  Tick { a }'), 'Tick');
  });

  it('is undefined for an anonymous or shorthand operation, or a comment only', () => {
    assert.equal(leadingOperationName('{ a }'), undefined);
    assert.equal(leadingOperationName('query { a }'), undefined);
    assert.equal(leadingOperationName('# query Hidden { a }'), undefined);
    assert.equal(leadingOperationName('queryX { a }'), undefined);
  });

  it('takes linear time on hostile input (a run of comment characters, long blanks)', () => {
    // A backtracking pattern takes exponential time on these; this reads each character once.
    for (const hostile of ['#'.repeat(100_000), `${'#'.repeat(50_000)}\n`.repeat(4), ' '.repeat(200_000)]) {
      const start = performance.now();
      assert.equal(leadingOperationName(hostile), undefined);
      // Generous: the point is "not seconds", on a shared machine.
      assert.ok(performance.now() - start < 1_000);
    }
  });
});
