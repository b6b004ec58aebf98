/**
 * One measured run: one target, one scenario, one round. Load from the generator; CPU time and peak
 * memory of the target's process from /proc; a sample of answers checked while the load runs.
 */
import { answerProblem, post, type SubgraphCounters } from './check.ts';
import type { LoadGenerator, LoadSpec } from './load/index.ts';
import { cpuSeconds, peakRssMiB } from './proc.ts';
import type { TargetName } from './targets.ts';
import type { Scenario, Workload } from './workloads.ts';

export interface RunSample {
  round: number;
  scenario: string;
  target: TargetName;
  requests: number;
  durationS: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time (user + system, all threads) of the target's process per request. */
  cpuMsPerRequest: number | null;
  /** Cores the target kept busy on average (1 = its whole core). */
  cpuUtilisation: number | null;
  /** VmHWM of the target's process after this run (cumulative since it started). */
  peakRssMiB: number | null;
  /** Cores the shared bench subgraphs process kept busy: near 1 means it, not the target, was the limit. */
  subgraphsCpuUtilisation: number | null;
  /** CPU time of the target's Redis (redis-server) per request, for targets that use one. */
  redisCpuMsPerRequest?: number | null;
  /** Subgraph requests counted during the run per response (in-flight requests make it approximate). */
  subgraphRequestsPerOpUnderLoad: number | null;
  statusErrors: number;
  socketErrors: number;
  timeouts: number;
  /** Answers sampled while the load ran, and how many of them were not the expected one. */
  sampled: number;
  sampledWrong: number;
  sampleProblem?: string;
}

export interface MeasureInput {
  round: number;
  scenario: Scenario;
  workload: Workload;
  target: TargetName;
  url: string;
  pid: number;
  bodyFile: string;
  durationS: number;
  generator: LoadGenerator;
  subgraphsPid: number;
  counters: SubgraphCounters;
  /** CPU seconds of the target's Redis so far (redis-server), read before and after the load too. */
  redisCpuSeconds?: () => Promise<number>;
  /** JWT scenarios: the load's tokens (pool file, size, first token of this run). */
  tokens?: LoadSpec['tokens'];
  /** JWT scenarios: a fresh token for each sampled answer (the load's are its own). */
  authorize?: () => string;
}

const SAMPLE_EVERY_MS = 250;

/** Checks one answer every SAMPLE_EVERY_MS until `stop` resolves; bounded by the run's length. */
async function sampleAnswers(input: MeasureInput, stopped: () => boolean) {
  const result = { sampled: 0, wrong: 0, problem: undefined as string | undefined };
  const max = Math.ceil((input.durationS * 1000) / SAMPLE_EVERY_MS) + 4;
  await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS / 2));
  while (!stopped() && result.sampled < max) {
    result.sampled++;
    try {
      const problem = answerProblem(
        await post(input.url, input.workload.body, input.authorize?.()),
        input.workload,
      );
      if (problem) {
        result.wrong++;
        result.problem ??= problem;
      }
    } catch (error) {
      result.wrong++;
      result.problem ??= error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
  }
  return result;
}

const perSecond = (before: number | undefined, after: number | undefined, seconds: number) =>
  before === undefined || after === undefined || seconds <= 0 ? null : (after - before) / seconds;

export async function measure(input: MeasureInput): Promise<RunSample> {
  await input.counters.reset();
  const cpu0 = cpuSeconds(input.pid);
  const subgraphsCpu0 = cpuSeconds(input.subgraphsPid);
  const redisCpu0 = await input.redisCpuSeconds?.();
  const t0 = performance.now();
  let stopped = false;
  const sampling = sampleAnswers(input, () => stopped);
  const load = await input.generator
    .run({
      url: input.url,
      body: input.workload.body,
      bodyFile: input.bodyFile,
      connections: input.scenario.connections,
      uniqueAuth: input.scenario.uniqueAuth,
      ...(input.tokens && { tokens: input.tokens }),
      durationS: input.durationS,
    })
    .finally(() => {
      stopped = true;
    });
  // Read the CPU counters as soon as the load stops, before the target drains what is left in flight.
  const wall = (performance.now() - t0) / 1000;
  const cpu1 = cpuSeconds(input.pid);
  const subgraphsCpu1 = cpuSeconds(input.subgraphsPid);
  const redisCpu1 = await input.redisCpuSeconds?.();
  const sample = await sampling;
  const upstream = await input.counters.total();
  const utilisation = perSecond(cpu0, cpu1, wall);
  const responses = load.requests + sample.sampled;
  return {
    round: input.round,
    scenario: input.scenario.id,
    target: input.target,
    requests: load.requests,
    durationS: load.durationS,
    rps: load.requests / load.durationS,
    p50Ms: load.p50Ms,
    p99Ms: load.p99Ms,
    cpuMsPerRequest:
      cpu0 === undefined || cpu1 === undefined || responses === 0 ? null : ((cpu1 - cpu0) * 1000) / responses,
    cpuUtilisation: utilisation,
    peakRssMiB: peakRssMiB(input.pid) ?? null,
    subgraphsCpuUtilisation: perSecond(subgraphsCpu0, subgraphsCpu1, wall),
    ...(input.redisCpuSeconds !== undefined && {
      redisCpuMsPerRequest:
        redisCpu0 === undefined || redisCpu1 === undefined || responses === 0
          ? null
          : ((redisCpu1 - redisCpu0) * 1000) / responses,
    }),
    subgraphRequestsPerOpUnderLoad: responses === 0 ? null : upstream / responses,
    statusErrors: load.statusErrors,
    socketErrors: load.socketErrors,
    timeouts: load.timeouts,
    sampled: sample.sampled,
    sampledWrong: sample.wrong,
    ...(sample.problem !== undefined && { sampleProblem: sample.problem }),
  };
}
