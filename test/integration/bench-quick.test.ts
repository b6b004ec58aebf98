import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FIXTURE_DIR } from '../../subgraphs/bench/data.ts';
import type { BenchResults } from '../bench/report/model.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Bounds a run that hangs: the harness gets SIGTERM (it stops its own children), then SIGKILL. */
const RUN_LIMIT_MS = 150_000;

function runQuick(
  outDir: string,
  env: NodeJS.ProcessEnv = {},
  args: string[] = [],
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/bench/run.ts', '--quick', '--out', outDir, ...args],
      {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const term = setTimeout(() => child.kill('SIGTERM'), RUN_LIMIT_MS);
    const kill = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS + 15_000);
    child.once('exit', (code) => {
      clearTimeout(term);
      clearTimeout(kill);
      resolve({ code, output });
    });
  });
}

describe('npm run bench -- --quick', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-test-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('checks Gatehouse (also secured, also with field limits) and the monolith, loads each briefly and writes the three reports', async () => {
    const out = join(dir, 'ok');
    const { code, output } = await runQuick(out);
    assert.equal(code, 0, output);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
    assert.deepEqual(
      results.targets.map((t) => [t.name, t.status]),
      [
        ['gatehouse', 'measured'],
        ['gatehouse-secured', 'measured'],
        ['gatehouse-limited', 'measured'],
        ['monolith', 'measured'],
      ],
    );
    const scenarioIds = results.scenarios.map((s) => s.id);
    assert.ok(scenarioIds.includes('testquery-50-jwt'));
    // Security on answers only requests with a JWT (HTTP 401 otherwise): the JWT scenario only;
    // limits on run the headline and one connection.
    const expected: Record<string, string[]> = {
      gatehouse: scenarioIds,
      'gatehouse-secured': ['testquery-50-jwt'],
      'gatehouse-limited': ['testquery-50-unique', 'testquery-1'],
      monolith: scenarioIds,
    };
    for (const [target, scenarios] of Object.entries(expected)) {
      const runs = results.samples.filter((s) => s.target === target);
      assert.deepEqual(
        runs.map((s) => s.scenario),
        scenarios,
      );
      for (const run of runs) {
        // Correctness, not speed; but every run did some work (a run with no request exits 1).
        assert.ok(run.requests > 0, `${target} ${run.scenario}: no load request completed`);
        assert.ok(run.sampled > 0, `${target} ${run.scenario}: no answer sampled`);
        assert.equal(run.sampledWrong, 0, run.sampleProblem);
        assert.equal(run.statusErrors, 0);
      }
    }
    const gatehouse = results.summary.find((s) => s.target === 'gatehouse' && s.scenario === 'testquery-1');
    assert.ok((gatehouse?.subgraphRequestsPerOp ?? 0) > 0, 'Gatehouse asked the subgraphs nothing');
    const monolith = results.summary.find((s) => s.target === 'monolith' && s.scenario === 'testquery-1');
    assert.equal(monolith?.subgraphRequestsPerOp, 0);
    assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /^# Gatehouse benchmark/);
    assert.match(
      readFileSync(join(out, 'chart.svg'), 'utf8'),
      /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/,
    );
  });

  it('exits non-zero when an answer is not the expected one', async () => {
    // A copy of the fixture whose expected response no target can give.
    const fixture = join(dir, 'fixture');
    cpSync(FIXTURE_DIR, fixture, { recursive: true });
    const expectedFile = join(fixture, 'expected-response.json');
    const expected = JSON.parse(readFileSync(expectedFile, 'utf8')) as {
      data: { users: { name: string }[] };
    };
    expected.data.users[0]!.name = 'Somebody Else';
    writeFileSync(expectedFile, JSON.stringify(expected));
    const out = join(dir, 'wrong');
    // Gatehouse alone: the monolith's answers go through the same check (and one process less).
    const { code, output } = await runQuick(out, { GATEHOUSE_BENCH_FIXTURE: fixture }, [
      '--only',
      'gatehouse',
    ]);
    assert.equal(code, 1, output);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
    assert.deepEqual(
      results.targets.map((t) => [t.name, t.status]),
      [['gatehouse', 'failed']],
    );
    assert.equal(results.samples.length, 0);
    assert.ok(existsSync(join(out, 'report.md')));
  });
});
