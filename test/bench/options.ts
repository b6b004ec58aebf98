/**
 * Command-line options of `npm run bench`, parsed once into a fully resolved, frozen object.
 *
 *   npm run bench -- [--quick] [--rounds n] [--duration s] [--only a,b] [--skip a,b]
 *                    [--scenarios a,b] [--loader wrk|autocannon|node] [--out dir] [--cpu-prof] [--no-pin]
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type TargetName, targetNames } from './targets.ts';
import { scenarios } from './workloads.ts';

export type LoaderName = 'wrk' | 'autocannon' | 'node';

export interface BenchOptions {
  /**
   * One short round, Gatehouse (also with security on, and with field limits in memory) and the
   * monolith only, no peer install: checks answers, not speed.
   */
  quick: boolean;
  /** Rounds, the first one discarded as warm-up. @default 5 (quick: 1, kept) */
  rounds: number;
  /** Seconds of load per target per scenario per round. @default 4 (quick: 1) */
  duration: number;
  /**
   * The targets to run, in order.
   * @default every target (quick: gatehouse, gatehouse-secured, gatehouse-limited, monolith)
   */
  targets: readonly TargetName[];
  /** Load generator; undefined picks wrk when installed, else autocannon (full) or node (quick). */
  loader: LoaderName | undefined;
  /** Ids of the scenarios to run. @default every scenario (quick: four of them) */
  scenarios: readonly string[];
  /** Folder of the results. @default bench-results/<timestamp> */
  outDir: string;
  /**
   * Run Gatehouse under `node --cpu-prof`; the profile lands in `<outDir>/profile/` (targets
   * `gatehouse-secured`, `gatehouse-limited`, `gatehouse-limited-redis`: `<outDir>/profile/<target>/`).
   * @default false
   */
  cpuProf: boolean;
  /**
   * Another checkout of Gatehouse (a branch with a fix) to run as target `gatehouse-b` right after
   * `gatehouse`, in the same interleaved rounds: an A/B with the ratio per round.
   */
  compareDir: string | undefined;
  /**
   * Extra Node flags for the Gatehouse processes only (`gatehouse`, `gatehouse-secured`,
   * `gatehouse-limited`, `gatehouse-limited-redis`), to try a tuning (`--node-flags=--max-semi-space-size=32`).
   */
  nodeFlags: readonly string[];
  /** Pin each target to one core and the load generator and subgraphs to the other. @default true */
  pin: boolean;
}

/**
 * Quick runs keep one scenario per code path: unique headers, signed JWTs (auth and policies on
 * `gatehouse-secured`), one connection, the small query.
 */
const QUICK_SCENARIOS = ['testquery-50-unique', 'testquery-50-jwt', 'testquery-1', 'small-50'];

export const USAGE = `Usage: npm run bench -- [options]
  --quick              one short round, gatehouse, gatehouse-secured, gatehouse-limited and monolith only, no peer install; exits 1 on a wrong answer or a run that completed no request
  (a full run, without --quick, --compare or --scenarios, ends with the reload drill: npm run bench:reload)
  --rounds <n>         rounds, the first discarded as warm-up (default 5)
  --duration <s>       seconds of load per target, scenario and round (default 4)
  --only <a,b>         run only these targets (${targetNames.join(', ')})
  --skip <a,b>         leave these targets out
  --scenarios <a,b>    run only these scenarios (${scenarios.map((s) => s.id).join(', ')});
                       gatehouse-secured (JWT auth and field policies) runs only testquery-50-jwt, the
                       scenario that sends a unique signed JWT per request; gatehouse-limited (a field
                       rate limit that never trips on every field TestQuery selects, memory store) and
                       gatehouse-limited-redis (the same in a redis-server the harness starts; skipped
                       when redis-server is not installed) run only testquery-50-unique and testquery-1;
                       so do gatehouse-cached (every field TestQuery selects cacheable: after the
                       first, every answer comes from the response cache) and gatehouse-entity-cached
                       (the same with the entity cache alone: each operation sends its root fetches only)
  --loader <name>      wrk | autocannon | node (default: wrk when installed, else autocannon)
  --out <dir>          results folder (default bench-results/<timestamp>)
  --cpu-prof           profile gatehouse, gatehouse-secured, gatehouse-limited(-redis) and gatehouse-(entity-)cached with node --cpu-prof (slows them down: numbers are not comparable)
  --compare <dir>      also run the Gatehouse checkout in <dir> as target gatehouse-b (an A/B)
  --node-flags=<flags> extra node flags for gatehouse, gatehouse-secured, gatehouse-limited(-redis) and gatehouse-(entity-)cached only, e.g. --node-flags=--max-semi-space-size=32
  --no-pin             do not pin processes to cores with taskset
`;

function targetList(value: string | undefined, flag: string): TargetName[] | undefined {
  if (value === undefined) return undefined;
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(targetNames as readonly string[]).includes(n));
  if (unknown.length > 0)
    throw new Error(`${flag}: unknown target ${unknown.join(', ')}; use ${targetNames.join(', ')}`);
  return names as TargetName[];
}

function positive(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number, got "${value}"`);
  return n;
}

export function parseBenchOptions(argv: readonly string[], now = new Date()): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      only: { type: 'string' },
      skip: { type: 'string' },
      scenarios: { type: 'string' },
      loader: { type: 'string' },
      out: { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      'node-flags': { type: 'string' },
      compare: { type: 'string' },
      'no-pin': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const quick = values.quick === true;
  const only = targetList(values.only, '--only');
  const skip = targetList(values.skip, '--skip') ?? [];
  const compareDir = values.compare === undefined ? undefined : resolve(values.compare);
  if (compareDir !== undefined && !existsSync(join(compareDir, 'bin', 'gatehouse.mjs')))
    throw new Error(
      `--compare: ${compareDir} has no bin/gatehouse.mjs; give the root of a Gatehouse checkout`,
    );
  const base: readonly TargetName[] =
    only ?? (quick ? ['gatehouse', 'gatehouse-secured', 'gatehouse-limited', 'monolith'] : targetNames);
  const targets = base.filter(
    (t) => !skip.includes(t) && (t !== 'gatehouse-b' || compareDir !== undefined || only?.includes(t)),
  );
  if (compareDir !== undefined && !targets.includes('gatehouse-b')) targets.splice(1, 0, 'gatehouse-b');
  if (targets.length === 0) throw new Error('no target left to run: check --only and --skip');
  if (values.loader !== undefined && !['wrk', 'autocannon', 'node'].includes(values.loader))
    throw new Error(`--loader must be wrk, autocannon or node, got "${values.loader}"`);
  const rounds = Math.floor(positive(values.rounds, '--rounds', quick ? 1 : 5));
  if (!quick && rounds < 2) throw new Error('--rounds must be at least 2: the first round is discarded');
  const scenarioIds =
    values.scenarios?.split(',').map((s) => s.trim()) ??
    (quick ? QUICK_SCENARIOS : scenarios.map((s) => s.id));
  const unknownScenario = scenarioIds.filter((id) => !scenarios.some((s) => s.id === id));
  if (unknownScenario.length > 0 || scenarioIds.length === 0)
    throw new Error(
      `--scenarios: unknown scenario ${unknownScenario.join(', ')}; use ${scenarios.map((s) => s.id).join(', ')}`,
    );
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return Object.freeze({
    quick,
    rounds,
    duration: positive(values.duration, '--duration', quick ? 1 : 4),
    targets: Object.freeze(targets),
    scenarios: Object.freeze(scenarioIds),
    loader: values.loader as LoaderName | undefined,
    outDir: resolve(values.out ?? `bench-results/${quick ? 'quick-' : ''}${stamp}`),
    cpuProf: values['cpu-prof'] === true,
    compareDir,
    nodeFlags: Object.freeze(values['node-flags']?.split(/\s+/).filter(Boolean) ?? []),
    pin: values['no-pin'] !== true,
  });
}
