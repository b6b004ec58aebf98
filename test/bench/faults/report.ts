/**
 * The drill's Markdown: how it ran (date, command, load average, settings), a summary table of
 * the breaker's timings per scenario, and a table of success and latency per phase.
 */
import { OPERATIONS } from './operations.ts';
import type { Scenario } from './scenarios.ts';
import type { PhaseStats, ScenarioFigures } from './summary.ts';

export interface ScenarioResult {
  scenario: Scenario;
  figures?: ScenarioFigures;
  /** Why it did not run or did not finish. */
  skipped?: string;
}

export interface RunInfo {
  date: string;
  command: string;
  /** Load averages (1, 5, 15 min) before and after the drill. */
  loadBefore: readonly number[];
  loadAfter: readonly number[];
  /** The commit measured (and whether the tree had changes). */
  revision: string;
  machine: string;
  settings: string;
  seconds: number;
}

const ms = (value: number | null) =>
  value === null ? '—' : value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
const pct = (share: number) => `${Math.round(share * 1000) / 10}%`;
const loop = (d: { p99: number; max: number }) => `${ms(d.p99)} / ${ms(d.max)}`;
const load = (xs: readonly number[]) => xs.map((x) => x.toFixed(2)).join(' / ');

function phaseCell(s: PhaseStats): string {
  if (s.requests === 0) return '—';
  const shares = s.partial > 0 || s.failed > 0 ? ` / ${pct(s.partial)} / ${pct(s.failed)}` : '';
  return `${pct(s.ok)}${shares} · ${ms(s.p50)} / ${ms(s.p99)} (n ${s.requests})`;
}

export function markdown(info: RunInfo, results: readonly ScenarioResult[]): string {
  const lines = [
    `Measured ${info.date} with \`${info.command}\` (${info.seconds.toFixed(0)} s) on ${info.revision}, ${info.machine};`,
    `load average (1 / 5 / 15 min) ${load(info.loadBefore)} before, ${load(info.loadAfter)} after.`,
    'Gateway and subgraphs run in one Node process, the clients in a child process; all on loopback.',
    '',
    `Settings: ${info.settings}.`,
    '',
    '| Scenario | Fault | Breaker opened after: log / first refusal | Opens | Fail-fast p50 / p99 / max (n) | Backend calls during fault | First whole answer after recovery | Breaker closed after | Gateway event-loop delay p99 / max: baseline → fault | Codes during fault (operation needing it) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const { scenario, figures: f, skipped } of results) {
    if (f === undefined) {
      lines.push(`| ${scenario.name} | ${scenario.fault} | skipped: ${skipped ?? '?'} | | | | | | | |`);
      continue;
    }
    const failFast =
      f.failFast.requests === 0
        ? '—'
        : `${ms(f.failFast.p50)} / ${ms(f.failFast.p99)} / ${ms(f.failFast.max)} (${f.failFast.requests})`;
    const opened =
      f.openedAfter === null ? 'never' : `${ms(f.openedAfter)}${f.opens === 0 ? ' (after recovery)' : ''}`;
    const codes = f.faultCodes.map(([code, n]) => `${code} ${n}`).join(', ') || 'none';
    lines.push(
      `| ${scenario.name} | ${scenario.fault} | ${opened} / ${ms(f.firstRefusalAfter)} | ${f.opens}${f.openedAfterRecovery && f.opens > 0 ? ' + after recovery' : ''} | ${failFast} | ${f.backendCallsDuringFault} | ${ms(f.firstGoodAfter)} | ${f.closedAfter === null ? '—' : ms(f.closedAfter)} | ${loop(f.eventLoop.baseline)} → ${loop(f.eventLoop.fault)} | ${codes} |`,
    );
  }
  lines.push(
    '',
    'Success and latency per phase: whole / partial / failed, then p50 / p99 latency and the number',
    'of requests. A request counts in the fault phase when it was in flight at any time during the',
    "fault, else in the phase it was sent in. Whole: no error. Partial: the healthy subgraph's part",
    'with coded errors for the rest. `{ hello }` needs only the healthy subgraph; the other operation needs the',
    'faulty one too (`{ products { id name price } }`, an entity fetch, for "wrong entity count").',
    '',
    '| Scenario | Operation | Baseline | Fault | Recovery |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const { scenario, figures: f } of results) {
    if (f === undefined) continue;
    for (const kind of ['healthy', 'faulty'] as const) {
      const query = OPERATIONS[kind === 'healthy' ? 'healthy' : scenario.operation].query;
      const p = f.phases[kind];
      lines.push(
        `| ${scenario.name} | \`${query}\` | ${phaseCell(p.baseline)} | ${phaseCell(p.fault)} | ${phaseCell(p.recovery)} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
