import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { idleRunProblems } from '../bench/check.ts';
import type { RunSample } from '../bench/measure.ts';
import { parseBenchOptions } from '../bench/options.ts';
import { type CpuProfile, totalsOf } from '../bench/profile/summary.ts';
import { stat, summarise } from '../bench/stats.ts';

const sample = (
  round: number,
  target: RunSample['target'],
  rps: number,
  cpuMsPerRequest: number,
): RunSample => ({
  round,
  scenario: 's',
  target,
  requests: rps,
  durationS: 1,
  rps,
  p50Ms: 1,
  p99Ms: 2,
  cpuMsPerRequest,
  cpuUtilisation: 1,
  peakRssMiB: 100 + round,
  subgraphsCpuUtilisation: 0.5,
  subgraphRequestsPerOpUnderLoad: 7,
  statusErrors: 0,
  socketErrors: 0,
  timeouts: 0,
  sampled: 4,
  sampledWrong: 0,
});

describe('bench harness: statistics', () => {
  it('takes the median, min and max, ignoring missing values', () => {
    assert.deepEqual(stat([3, 1, 2]), { median: 2, min: 1, max: 3 });
    assert.deepEqual(stat([4, 1, null, 2, 3]), { median: 2.5, min: 1, max: 4 });
    assert.equal(stat([null, Number.NaN]), null);
  });

  it('drops the warm-up round and gives Gatehouse ÷ target per round', () => {
    const samples = [
      sample(0, 'gatehouse', 1, 100), // warm-up: left out
      sample(0, 'hive', 1000, 1),
      sample(1, 'gatehouse', 300, 2),
      sample(1, 'hive', 100, 8),
      sample(2, 'gatehouse', 400, 2),
      sample(2, 'hive', 100, 4),
    ];
    const summary = summarise(samples, 1, () => 7);
    const hive = summary.find((s) => s.target === 'hive')!;
    assert.equal(hive.rounds, 2);
    assert.deepEqual(hive.gatehouseRatio?.rps, { median: 3.5, min: 3, max: 4 });
    assert.deepEqual(hive.gatehouseRatio?.perCpu, { median: 3, min: 2, max: 4 });
    assert.equal(hive.peakRssMiB, 102);
    assert.equal(hive.subgraphRequestsPerOp, 7, 'sent alone: from the check');
    assert.deepEqual(hive.subgraphRequestsPerOpUnderLoad, { median: 7, min: 7, max: 7 });
    assert.equal(summary.find((s) => s.target === 'gatehouse')?.gatehouseRatio, null);
  });
});

describe('bench harness: options', () => {
  it('runs Gatehouse (also secured and with field limits) and the monolith only in quick mode, in one kept round', () => {
    const options = parseBenchOptions(['--quick']);
    assert.notEqual(options, 'help');
    if (options === 'help') return;
    assert.deepEqual(options.targets, ['gatehouse', 'gatehouse-secured', 'gatehouse-limited', 'monolith']);
    assert.ok(options.scenarios.includes('testquery-50-jwt'));
    assert.equal(options.rounds, 1);
  });

  it('leaves targets out with --skip and rejects unknown names', () => {
    const options = parseBenchOptions(['--skip', 'apollo,hive']);
    assert.ok(
      options !== 'help' && !options.targets.includes('apollo') && options.targets.includes('hive-router'),
    );
    assert.throws(() => parseBenchOptions(['--only', 'nginx']));
    assert.throws(() => parseBenchOptions(['--rounds', '1'])); // the first round is warm-up
  });
});

describe('bench harness: --compare', () => {
  it('adds the other checkout as gatehouse-b, right after gatehouse, and only when asked', () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const options = parseBenchOptions(['--only', 'gatehouse,monolith', '--compare', root]);
    assert.ok(options !== 'help');
    assert.deepEqual(options.targets, ['gatehouse', 'gatehouse-b', 'monolith']);
    const plain = parseBenchOptions([]);
    assert.ok(plain !== 'help' && !plain.targets.includes('gatehouse-b'));
    assert.throws(() => parseBenchOptions(['--compare', join(root, 'no-such-checkout')]));
  });
});

describe('bench harness: CPU profile summary', () => {
  it('gives each sample to the nearest frame that names a stage, and leaves idle time out', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', ''), children: [2, 5] },
        { id: 2, callFrame: frame('request', 'file:///x/node_modules/undici/lib/client.js'), children: [3] },
        {
          id: 3,
          callFrame: frame('visit', 'file:///x/node_modules/graphql/language/visitor.js'),
          children: [4],
        },
        { id: 4, callFrame: frame('parse', ''), children: [] },
        { id: 5, callFrame: frame('(idle)', ''), children: [] },
      ],
      samples: [3, 4, 5],
      timeDeltas: [100, 200, 1000],
    };
    const totals = totalsOf(profile);
    assert.equal(totals.busyUs, 300);
    assert.equal(totals.byCategory.get('upstream HTTP (undici, our client)'), 100);
    assert.equal(totals.byCategory.get('JSON.parse (subgraph responses, request bodies)'), 200);
    assert.equal(totals.byPackage.get('graphql'), 100);
  });
});

describe('bench harness: runs that did no work', () => {
  it('names each run whose load completed no request, and none when every run did some', () => {
    const idle = { ...sample(0, 'monolith', 0, 1), scenario: 'small-50' };
    assert.deepEqual(idleRunProblems([sample(0, 'gatehouse', 100, 1)]), []);
    const problems = idleRunProblems([sample(0, 'gatehouse', 100, 1), idle]);
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /monolith, small-50/);
  });
});
