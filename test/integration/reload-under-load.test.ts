/**
 * Reload under load, short form (the full 60 s form is `npm run bench:reload`): 50 connections
 * query a real gateway process for about 7 s while its supergraph file is swapped every 400 ms,
 * between two versions, in place, by rename, and in place in two chunks with a pause longer than
 * the debounce (the gateway may read the first chunk: a prefix it must not serve). No request
 * fails, every answer is one of the two versions', the swaps are put in service, and memory stays
 * within a generous bound.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { runReloadDrill } from '../bench/reload/drill.ts';

it('drops no request while the supergraph file is swapped under 50 connections', async (t) => {
  const figures = await runReloadDrill({ seconds: 7, swapEvery: 400, connections: 50 });
  const { rssMiB, ...counts } = figures;
  t.diagnostic(JSON.stringify({ ...counts, rssMiB: { ...rssMiB, samples: undefined } }));
  assert.equal(figures.failures, 0, figures.failureSamples.join('\n'));
  assert.ok(figures.requests > 50, `only ${figures.requests} requests`);
  assert.ok(figures.answersA > 0 && figures.answersB > 0, JSON.stringify(figures));
  assert.ok(figures.swaps.inPlace > 0 && figures.swaps.renamed > 0 && figures.swaps.partial > 0);
  // Swaps closer together than a reload takes (a loaded machine) are served as one; the last
  // one always is.
  assert.ok(figures.swaps.written >= 10, `only ${figures.swaps.written} swaps written`);
  assert.ok(figures.reloads.succeeded >= 5, JSON.stringify(figures.reloads));
  assert.equal(figures.lastVersionServed, true);
  if (!Number.isNaN(figures.rssMiB.end))
    assert.ok(figures.rssMiB.end < figures.rssMiB.start + 200, JSON.stringify(figures.rssMiB));
});
