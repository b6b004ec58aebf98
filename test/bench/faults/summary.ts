/**
 * From one scenario's samples to its figures: per operation kind and phase, the success ratio and
 * the latency; when the breaker opened, how fast refused calls were answered, and how long the
 * recovery took. A sample belongs to the fault phase when it was in flight at any time during the
 * fault; else to the phase in which it was sent (baseline or recovery).
 */
import type { DrillRun } from './drill.ts';
import type { OperationKind, Sample } from './load.ts';

export type Phase = 'baseline' | 'fault' | 'recovery';

export interface PhaseStats {
  requests: number;
  /** Shares of all requests, 0 to 1. */
  ok: number;
  partial: number;
  failed: number;
  p50: number | null;
  p99: number | null;
}

export interface ScenarioFigures {
  phases: Record<OperationKind, Record<Phase, PhaseStats>>;
  /**
   * Milliseconds from injection to the breaker's first "opened" log line (even one after the
   * recovery); null: it never opened.
   */
  openedAfter: number | null;
  /** True when it opened once the backend had recovered. */
  openedAfterRecovery: boolean;
  /** Times it opened during the fault phase (the first, then each failed probe). */
  opens: number;
  /** Milliseconds from injection to the first SUBGRAPH_CIRCUIT_OPEN answer. */
  firstRefusalAfter: number | null;
  /** Latency of the answers refused by the open breaker. */
  failFast: { requests: number; p50: number | null; p99: number | null; max: number | null };
  /** Milliseconds from recovery to the first whole answer of an operation sent after it. */
  firstGoodAfter: number | null;
  /** Milliseconds from recovery to the breaker's "closed" log line. */
  closedAfter: number | null;
  backendCallsDuringFault: number;
  /** The gateway process's event-loop delay per phase. */
  eventLoop: DrillRun['eventLoop'];
  /** Error codes in the faulty operation's answers sent during the fault phase, most frequent first. */
  faultCodes: Array<[string, number]>;
}

export const CIRCUIT_OPEN = 'SUBGRAPH_CIRCUIT_OPEN';

export function figures(run: DrillRun): ScenarioFigures {
  const phaseOf = (s: Sample): Phase =>
    s.start >= run.recoveryAt ? 'recovery' : s.end >= run.faultAt ? 'fault' : 'baseline';
  const stats = (kind: OperationKind, phase: Phase) =>
    phaseStats(run.samples.filter((s) => s.kind === kind && phaseOf(s) === phase));
  const byPhase = (kind: OperationKind) => ({
    baseline: stats(kind, 'baseline'),
    fault: stats(kind, 'fault'),
    recovery: stats(kind, 'recovery'),
  });
  const refused = run.samples.filter((s) => s.codes.includes(CIRCUIT_OPEN));
  const refusedLatencies = sorted(refused.map(latency));
  const firstRefusal = earliest(refused.map((s) => s.end));
  const firstGood = earliest(
    run.samples
      .filter((s) => s.kind === 'faulty' && s.outcome === 'ok' && s.start >= run.recoveryAt)
      .map((s) => s.end),
  );
  const duringFault = (t: number) => t >= run.faultAt && t < run.recoveryAt;
  const codes = new Map<string, number>();
  for (const s of run.samples) {
    if (s.kind !== 'faulty' || phaseOf(s) !== 'fault') continue;
    for (const code of s.codes) codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  return {
    phases: { healthy: byPhase('healthy'), faulty: byPhase('faulty') },
    openedAfter: after(
      run.opened.find((t) => t >= run.faultAt),
      run.faultAt,
    ),
    openedAfterRecovery: run.opened.some((t) => t >= run.recoveryAt),
    opens: run.opened.filter(duringFault).length,
    firstRefusalAfter: Number.isFinite(firstRefusal) ? firstRefusal - run.faultAt : null,
    failFast: {
      requests: refused.length,
      p50: percentile(refusedLatencies, 50),
      p99: percentile(refusedLatencies, 99),
      max: refusedLatencies.at(-1) ?? null,
    },
    firstGoodAfter: Number.isFinite(firstGood) ? firstGood - run.recoveryAt : null,
    closedAfter: after(
      run.closed.find((t) => t >= run.recoveryAt),
      run.recoveryAt,
    ),
    backendCallsDuringFault: run.backendCallsDuringFault,
    eventLoop: run.eventLoop,
    faultCodes: [...codes].sort((a, b) => b[1] - a[1]),
  };
}

function phaseStats(samples: Sample[]): PhaseStats {
  const n = samples.length;
  const share = (outcome: Sample['outcome']) =>
    n === 0 ? 0 : samples.filter((s) => s.outcome === outcome).length / n;
  const latencies = sorted(samples.map(latency));
  return {
    requests: n,
    ok: share('ok'),
    partial: share('partial'),
    failed: share('failed'),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

const latency = (s: Sample) => s.end - s.start;
const sorted = (xs: number[]) => xs.sort((a, b) => a - b);
const earliest = (xs: number[]) => xs.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
const after = (t: number | undefined, from: number) => (t === undefined ? null : t - from);

/** Nearest rank on sorted values; null when there are none. */
function percentile(xs: readonly number[], p: number): number | null {
  if (xs.length === 0) return null;
  return xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] ?? null;
}
