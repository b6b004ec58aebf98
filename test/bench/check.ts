/**
 * Before measuring: wait until a target answers, check its answer deep-equal to the expected one,
 * and count the subgraph requests one operation costs (from the subgraphs' `/_stats` counters).
 */
import { isDeepStrictEqual } from 'node:util';
import type { RunSample } from './measure.ts';
import type { Workload } from './workloads.ts';

export interface Answer {
  status: number;
  body: unknown;
}

/** POSTs a workload's body to a target (loopback only) and reads the JSON answer. */
export async function post(url: string, body: string, authorization = 'Bearer bench-check'): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed };
}

/** The `Authorization` of each check: a fresh signed JWT for a target that requires one. */
export type Authorize = (i: number) => string;

const benchCheck: Authorize = (i) => `Bearer bench-check-${i}`;

/** Polls until the target answers HTTP 200 to the workload, at most `timeoutMs`. */
export async function waitReady(
  url: string,
  workload: Workload,
  timeoutMs: number,
  authorize: Authorize = benchCheck,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const answer = await post(url, workload.body, authorize(0));
      if (answer.status === 200) return;
      last = `HTTP ${answer.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`not ready after ${timeoutMs} ms (${last})`);
}

/** What is wrong with an answer, or undefined when it is the expected one. */
export function answerProblem(answer: Answer, workload: Workload): string | undefined {
  if (answer.status !== 200) return `HTTP ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`;
  if (isDeepStrictEqual(answer.body, workload.expected)) return undefined;
  const errors = (answer.body as { errors?: unknown } | null)?.errors;
  if (errors !== undefined) return `errors in the answer: ${JSON.stringify(errors).slice(0, 300)}`;
  return `the answer differs from the expected one: ${JSON.stringify(answer.body).slice(0, 200)}...`;
}

/**
 * The runs whose load completed no request, one line each naming the target, scenario and round:
 * a run that did no work measured nothing and checked nothing under load (a broken generator, a
 * target that stopped answering), so a quick run must not pass with one.
 */
export function idleRunProblems(samples: readonly RunSample[]): string[] {
  return samples
    .filter((s) => s.requests === 0)
    .map((s) => `${s.target}, ${s.scenario} (round ${s.round + 1}): the load completed no request`);
}

/** The request counters of the bench subgraphs (`GET /_stats`, reset with `POST /_stats`). */
export interface SubgraphCounters {
  reset(): Promise<void>;
  total(): Promise<number>;
  /** Requests per subgraph name. */
  bySubgraph(): Promise<Record<string, number>>;
}

export function subgraphCounters(urls: Readonly<Record<string, string>>): SubgraphCounters {
  const stats = Object.entries(urls).map(([name, url]) => [name, new URL('/_stats', url).href] as const);
  const call = async (method: string) =>
    Object.fromEntries(
      await Promise.all(
        stats.map(async ([name, url]) => {
          const response = await fetch(url, { method, signal: AbortSignal.timeout(10_000) });
          return [name, ((await response.json()) as { requests: number }).requests] as const;
        }),
      ),
    );
  return {
    reset: async () => void (await call('POST')),
    total: async () => Object.values(await call('GET')).reduce((a, b) => a + b, 0),
    bySubgraph: () => call('GET'),
  };
}

/**
 * Checks a target's answer `times` times in a row and counts the subgraph requests per operation
 * (exact: nothing else runs meanwhile).
 */
export async function checkTarget(
  url: string,
  workload: Workload,
  counters: SubgraphCounters,
  times = 3,
  authorize: Authorize = benchCheck,
): Promise<{ problem?: string; subgraphRequestsPerOp: number; bySubgraph: Record<string, number> }> {
  await counters.reset();
  for (let i = 0; i < times; i++) {
    const problem = answerProblem(await post(url, workload.body, authorize(i)), workload);
    if (problem) return { problem, subgraphRequestsPerOp: Number.NaN, bySubgraph: {} };
  }
  const counts = await counters.bySubgraph();
  const bySubgraph = Object.fromEntries(Object.entries(counts).map(([name, n]) => [name, n / times]));
  return {
    subgraphRequestsPerOp: Object.values(bySubgraph).reduce((a, b) => a + b, 0),
    bySubgraph,
  };
}
