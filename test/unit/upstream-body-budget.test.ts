/**
 * The budget of bytes for upstream bodies being read, alone and with `readBody` over in-process
 * streams: reservations fit or are refused at once, every byte comes back whatever happens to
 * the read, and the count never goes below zero.
 */
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { isGatewayError } from '../../core/errors.ts';
import { createBodyBudget } from '../../gateway/http/body-budget.ts';
import { declaredLength, readBody } from '../../gateway/http/read-body.ts';

const KiB = 1024;

describe('createBodyBudget', () => {
  it('reserves while bytes fit, refuses what does not, and takes them back', () => {
    const budget = createBodyBudget(10 * KiB);
    assert.equal(budget.tryReserve(6 * KiB), true);
    assert.equal(budget.tryReserve(4 * KiB), true);
    assert.equal(budget.inUse, 10 * KiB);
    assert.equal(budget.tryReserve(1), false);
    assert.equal(budget.inUse, 10 * KiB, 'a refusal reserves nothing');
    assert.equal(budget.refused, 1);
    budget.release(6 * KiB);
    assert.equal(budget.tryReserve(5 * KiB), true);
    budget.release(5 * KiB);
    budget.release(4 * KiB);
    assert.equal(budget.inUse, 0);
    assert.equal(budget.peak, 10 * KiB);
    budget.resetPeak();
    assert.equal(budget.peak, 0);
  });

  it('never goes below zero when more is released than was reserved', () => {
    const budget = createBodyBudget(100);
    budget.tryReserve(10);
    budget.release(50);
    assert.equal(budget.inUse, 0);
    assert.equal(budget.tryReserve(100), true, 'the whole budget is still there, no more');
    assert.equal(budget.tryReserve(1), false);
  });

  it('refuses a limit that is not a positive integer', () => {
    for (const limit of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => createBodyBudget(limit), RangeError);
    }
  });
});

describe('declaredLength', () => {
  it('reads content-length, and ignores it where there is no body or it does not parse', () => {
    assert.equal(declaredLength('POST', 200, { 'content-length': '1234' }), 1234);
    assert.equal(declaredLength('POST', 200, {}), 0);
    assert.equal(declaredLength('HEAD', 200, { 'content-length': '1234' }), 0);
    assert.equal(declaredLength('GET', 204, { 'content-length': '1234' }), 0);
    assert.equal(declaredLength('GET', 304, { 'content-length': '1234' }), 0);
    assert.equal(declaredLength('GET', 200, { 'content-length': 'abc' }), 0);
    assert.equal(declaredLength('GET', 200, { 'content-length': ['1', '2'] }), 0);
  });
});

const chunksOf = (count: number, size: number) =>
  Array.from({ length: count }, () => Buffer.alloc(size, 'a'));

describe('readBody', () => {
  it('decodes the chunks once, skips a BOM, and gives every byte back', async () => {
    const budget = createBodyBudget(KiB);
    const body = Readable.from([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('{"data":'),
      Buffer.from('"é"}'),
    ]);
    assert.equal(await readBody(body, budget, 0, 'a'), '{"data":"é"}');
    assert.equal(budget.inUse, 0);
    assert.equal(budget.peak, 16); // the BOM, and 'é' in two bytes
  });

  it('reserves a declared length up front and refuses an answer that cannot fit before reading it', async () => {
    const budget = createBodyBudget(10 * KiB);
    budget.tryReserve(8 * KiB); // another answer being read
    const body = Readable.from(chunksOf(1, 4 * KiB));
    await assert.rejects(readBody(body, budget, 4 * KiB, 'big'), (error) => {
      assert.ok(isGatewayError(error));
      assert.equal(error.extensions.code, 'UPSTREAM_MEMORY_EXHAUSTED');
      assert.equal(error.extensions.serviceName, 'big');
      return true;
    });
    assert.equal(body.destroyed, true, 'the body is dropped');
    assert.equal(budget.inUse, 8 * KiB);
  });

  it('refuses a chunked answer when it outgrows the budget, and drops it', async () => {
    const budget = createBodyBudget(10 * KiB);
    const body = Readable.from(chunksOf(20, KiB));
    await assert.rejects(readBody(body, budget, 0, 'big'), {
      extensions: { code: 'UPSTREAM_MEMORY_EXHAUSTED', serviceName: 'big' },
    });
    assert.equal(body.destroyed, true);
    assert.equal(budget.inUse, 0);
    assert.equal(budget.peak, 10 * KiB);
  });

  it('gives the bytes back when the body fails or is aborted half way', async () => {
    const budget = createBodyBudget(100 * KiB);
    for (let i = 0; i < 50; i++) {
      const body = new PassThrough();
      const read = readBody(body, budget, i % 2 === 0 ? 8 * KiB : 0, 'flaky');
      body.write(Buffer.alloc(2 * KiB));
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok(budget.inUse > 0, 'the bytes are held while reading');
      body.destroy(new Error(i % 3 === 0 ? 'reset' : 'aborted'));
      await assert.rejects(read);
      assert.equal(budget.inUse, 0);
    }
  });

  it('counts bytes past a declared length that was too small', async () => {
    const budget = createBodyBudget(10 * KiB);
    const body = Readable.from(chunksOf(8, KiB));
    assert.equal((await readBody(body, budget, 2 * KiB, 'liar')).length, 8 * KiB);
    assert.equal(budget.peak, 8 * KiB);
    assert.equal(budget.inUse, 0);
  });
});
