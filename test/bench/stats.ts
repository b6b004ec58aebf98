/**
 * From the runs to the summary: per scenario and target, the median (with min and max) of each
 * measured round, and per round the ratio of Gatehouse to every other target.
 */
import type { RunSample } from './measure.ts';
import type { TargetName } from './targets.ts';

export interface Stat {
  median: number;
  min: number;
  max: number;
}

export function stat(values: readonly (number | null)[]): Stat | null {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = Math.floor(xs.length / 2);
  const median = xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
  return { median, min: xs[0]!, max: xs[xs.length - 1]! };
}

export interface TargetSummary {
  scenario: string;
  target: TargetName;
  rounds: number;
  rps: Stat | null;
  p50Ms: Stat | null;
  p99Ms: Stat | null;
  cpuMsPerRequest: Stat | null;
  /** Throughput per core: requests one CPU-second serves (1000 / CPU ms per request). */
  requestsPerCpuSecond: Stat | null;
  cpuUtilisation: Stat | null;
  subgraphsCpuUtilisation: Stat | null;
  peakRssMiB: number | null;
  /** Exact count from the correctness check (sequential requests): the operation sent alone. */
  subgraphRequestsPerOp: number | null;
  /**
   * Subgraph requests counted during the load per response, per round (in-flight requests make it
   * approximate): what dedup across operations saves shows here.
   */
  subgraphRequestsPerOpUnderLoad: Stat | null;
  errors: { status: number; socket: number; timeouts: number; sampled: number; sampledWrong: number };
  /** Gatehouse ÷ this target, per measured round: requests/s, and requests per CPU-second. */
  gatehouseRatio: { rps: Stat | null; perCpu: Stat | null } | null;
}

/** Summaries of the measured rounds (`round >= firstMeasuredRound`), per scenario then target. */
export function summarise(
  samples: readonly RunSample[],
  firstMeasuredRound: number,
  subgraphRequestsPerOp: (target: TargetName, scenario: string) => number | null,
): TargetSummary[] {
  const kept = samples.filter((s) => s.round >= firstMeasuredRound);
  const keys = [...new Set(kept.map((s) => `${s.scenario}\u0000${s.target}`))];
  return keys.map((key) => {
    const [scenario, target] = key.split('\u0000') as [string, TargetName];
    const runs = kept.filter((s) => s.scenario === scenario && s.target === target);
    const sum = (f: (s: RunSample) => number) => runs.reduce((n, s) => n + f(s), 0);
    const perCpu = (s: RunSample) => (s.cpuMsPerRequest ? 1000 / s.cpuMsPerRequest : null);
    let gatehouseRatio: TargetSummary['gatehouseRatio'] = null;
    if (target !== 'gatehouse') {
      const ratios = runs.map((s) => {
        const g = kept.find(
          (x) => x.scenario === scenario && x.target === 'gatehouse' && x.round === s.round,
        );
        const gPerCpu = g ? perCpu(g) : null;
        const sPerCpu = perCpu(s);
        return {
          rps: g && s.rps > 0 ? g.rps / s.rps : null,
          perCpu: gPerCpu !== null && sPerCpu ? gPerCpu / sPerCpu : null,
        };
      });
      const rps = stat(ratios.map((r) => r.rps));
      const cpu = stat(ratios.map((r) => r.perCpu));
      gatehouseRatio = rps || cpu ? { rps, perCpu: cpu } : null;
    }
    const rss = runs.map((s) => s.peakRssMiB).filter((v): v is number => v !== null);
    return {
      scenario,
      target,
      rounds: runs.length,
      rps: stat(runs.map((s) => s.rps)),
      p50Ms: stat(runs.map((s) => s.p50Ms)),
      p99Ms: stat(runs.map((s) => s.p99Ms)),
      cpuMsPerRequest: stat(runs.map((s) => s.cpuMsPerRequest)),
      requestsPerCpuSecond: stat(runs.map(perCpu)),
      cpuUtilisation: stat(runs.map((s) => s.cpuUtilisation)),
      subgraphsCpuUtilisation: stat(runs.map((s) => s.subgraphsCpuUtilisation)),
      peakRssMiB: rss.length > 0 ? Math.max(...rss) : null,
      subgraphRequestsPerOp: subgraphRequestsPerOp(target, scenario),
      subgraphRequestsPerOpUnderLoad: stat(runs.map((s) => s.subgraphRequestsPerOpUnderLoad)),
      errors: {
        status: sum((s) => s.statusErrors),
        socket: sum((s) => s.socketErrors),
        timeouts: sum((s) => s.timeouts),
        sampled: sum((s) => s.sampled),
        sampledWrong: sum((s) => s.sampledWrong),
      },
      gatehouseRatio,
    };
  });
}
