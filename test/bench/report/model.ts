/**
 * The results of one benchmark run (what `results.json` holds) and the rows every report shows,
 * built once here so the terminal table, the Markdown report and the chart agree.
 */
import type { RunSample } from '../measure.ts';
import type { Stat, TargetSummary } from '../stats.ts';
import type { TargetName } from '../targets.ts';
import { HEADLINE_SCENARIO, type Scenario } from '../workloads.ts';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  loadGenerator: string;
  /** Whether targets were pinned to one core (taskset). */
  pinned: boolean;
  /** 1-minute load average before and after: a busy shared machine shows here. */
  loadAverageBefore: number;
  loadAverageAfter: number;
}

export interface TargetStatus {
  name: TargetName;
  label: string;
  /** `skipped`: it cannot run here (redis-server not installed), which is no failure. */
  status: 'measured' | 'failed' | 'skipped';
  /** Why it was not measured. */
  problem?: string;
  /** Seconds from spawn to its first correct answer. */
  startupS?: number;
  /** Subgraph requests of one TestQuery, per subgraph (from the check). */
  testQueryFetches?: Record<string, number>;
  /**
   * A target keeping its counts in Redis: what one TestQuery sent alone asks of it (rate-limit
   * scripts, round trips), the same per response over all its runs (`underLoad`: approximate, the
   * operations in flight when a run stops are not counted as responses), and Redis's own CPU ms
   * per request under load (median, per scenario).
   */
  redis?: {
    scripts: number;
    roundTrips: number;
    underLoad?: { scripts: number; roundTrips: number };
    cpuMsPerRequest?: Record<string, number>;
  };
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  rounds: number;
  durationS: number;
  /** Rounds before this one are warm-up and left out of the summary. */
  firstMeasuredRound: number;
  machine: MachineInfo;
  targets: TargetStatus[];
  scenarios: readonly Scenario[];
  samples: RunSample[];
  summary: TargetSummary[];
  /** What makes some figures doubtful (a token pool that ran out). */
  warnings?: string[];
}

export const num = (x: number | null | undefined, digits = 1): string =>
  x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits);

export const statText = (s: Stat | null, digits = 1, unit = ''): string =>
  s === null
    ? 'n/a'
    : s.min === s.max
      ? `${num(s.median, digits)}${unit}`
      : `${num(s.median, digits)}${unit} (${num(s.min, digits)}–${num(s.max, digits)})`;

export const TABLE_HEADER = [
  'target',
  'req/s',
  'p50 ms',
  'p99 ms',
  'CPU ms/req',
  'req per CPU-s',
  'peak RSS MiB',
  'subgraph req/op alone',
  'subgraph req/op under load',
  'errors',
  'Gatehouse ÷ target, req/s',
  'Gatehouse ÷ target, per CPU-s',
];

/** One row per target of a scenario, in the order of the targets. */
export function scenarioRows(results: BenchResults, scenario: string): string[][] {
  const order = results.targets.map((t) => t.name);
  return results.summary
    .filter((s) => s.scenario === scenario)
    .sort((a, b) => order.indexOf(a.target) - order.indexOf(b.target))
    .map((s) => {
      const e = s.errors;
      const errors = e.status + e.socket + e.timeouts + e.sampledWrong;
      return [
        s.target,
        num(s.rps?.median, 0),
        num(s.p50Ms?.median, 2),
        num(s.p99Ms?.median, 2),
        num(s.cpuMsPerRequest?.median, 3),
        num(s.requestsPerCpuSecond?.median, 0),
        num(s.peakRssMiB, 0),
        s.target === 'subgraph-direct' ? '(is one)' : num(s.subgraphRequestsPerOp, 0),
        s.target === 'subgraph-direct' ? '(is one)' : num(s.subgraphRequestsPerOpUnderLoad?.median, 2),
        errors === 0 ? `0/${e.sampled} sampled` : `${errors} (${e.sampledWrong}/${e.sampled} sampled wrong)`,
        s.gatehouseRatio ? statText(s.gatehouseRatio.rps, 2, '×') : '—',
        s.gatehouseRatio ? statText(s.gatehouseRatio.perCpu, 2, '×') : '—',
      ];
    });
}

export interface BudgetLine {
  what: string;
  goal: string;
  measured: string;
  met: boolean | null;
}

/** The published performance targets, judged on Gatehouse in the headline scenario. */
export function budget(results: BenchResults): BudgetLine[] {
  const of = (target: TargetName) =>
    results.summary.find((s) => s.scenario === HEADLINE_SCENARIO && s.target === target);
  const g = of('gatehouse');
  const router = of('hive-router');
  const ratio = router?.gatehouseRatio?.perCpu ?? null;
  const cpu = g?.cpuMsPerRequest?.median ?? null;
  const rss = results.summary
    .filter((s) => s.target === 'gatehouse')
    .reduce<number | null>((m, s) => (s.peakRssMiB === null ? m : Math.max(m ?? 0, s.peakRssMiB)), null);
  const hops = g?.subgraphRequestsPerOp ?? null;
  const underLoad = g?.subgraphRequestsPerOpUnderLoad?.median ?? null;
  return [
    {
      what: 'throughput per core vs Hive Gateway + router-runtime',
      goal: '≥ 2×',
      measured: statText(ratio, 2, '×'),
      met: ratio === null ? null : ratio.median >= 2,
    },
    {
      what: 'CPU per request',
      goal: '< 2.5 ms',
      measured: `${num(cpu, 3)} ms`,
      met: cpu === null ? null : cpu < 2.5,
    },
    {
      what: 'peak RSS',
      goal: '< 150 MiB',
      measured: `${num(rss, 0)} MiB`,
      met: rss === null ? null : rss < 150,
    },
    {
      what: 'subgraph requests per operation, sent alone',
      goal: '≤ 7',
      measured: num(hops, 0),
      met: hops === null ? null : hops <= 7,
    },
    {
      what: 'subgraph requests per operation under load (dedup across operations)',
      goal: '≤ 0.5',
      measured: num(underLoad, 2),
      met: underLoad === null ? null : underLoad <= 0.5,
    },
  ];
}
