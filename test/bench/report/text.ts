/** The terminal report and the Markdown report (`report.md`) of one benchmark run. */
import { HEADLINE_SCENARIO } from '../workloads.ts';
import { type BenchResults, budget, scenarioRows, TABLE_HEADER } from './model.ts';

/** Columns padded to their widest cell. */
export function alignedTable(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function markdownTable(header: readonly string[], rows: readonly string[][]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

const failures = (results: BenchResults) => results.targets.filter((t) => t.status === 'failed');
const skipped = (results: BenchResults) => results.targets.filter((t) => t.status === 'skipped');
const redisText = (redis: NonNullable<BenchResults['targets'][number]['redis']>) =>
  `Redis: one TestQuery sent alone runs ${redis.scripts} rate-limit scripts in ${redis.roundTrips} round trip(s)${
    redis.underLoad
      ? `; under load, per response: ${redis.underLoad.scripts.toFixed(2)} scripts, ${redis.underLoad.roundTrips.toFixed(2)} round trips`
      : ''
  }${Object.entries(redis.cpuMsPerRequest ?? {})
    .map(([scenario, ms]) => `; ${scenario}: Redis CPU ${ms.toFixed(3)} ms per request`)
    .join('')}`;
const headline = (results: BenchResults) =>
  results.scenarios.find((s) => s.id === HEADLINE_SCENARIO)?.label ?? HEADLINE_SCENARIO;

export function terminalReport(results: BenchResults): string {
  const parts: string[] = [];
  for (const scenario of results.scenarios) {
    const rows = scenarioRows(results, scenario.id);
    if (rows.length > 0) parts.push(`${scenario.label}\n${alignedTable(TABLE_HEADER, rows)}`);
  }
  for (const t of failures(results)) parts.push(`FAILED ${t.name}: ${t.problem}`);
  for (const t of skipped(results)) parts.push(`SKIPPED ${t.name}: ${t.problem}`);
  for (const t of results.targets) if (t.redis) parts.push(`${t.name}: ${redisText(t.redis)}`);
  for (const w of results.warnings ?? []) parts.push(`WARNING ${w}`);
  if (!results.quick) {
    parts.push(
      `Published targets (Gatehouse, ${headline(results)}):\n${alignedTable(
        ['target', 'goal', 'measured', 'met'],
        budget(results).map((b) => [
          b.what,
          b.goal,
          b.measured,
          b.met === null ? 'n/a' : b.met ? 'yes' : 'NO',
        ]),
      )}`,
    );
  }
  return `${parts.join('\n\n')}\n`;
}

export function markdownReport(results: BenchResults): string {
  const m = results.machine;
  const measured = results.rounds - results.firstMeasuredRound;
  const out: string[] = [
    `# Gatehouse benchmark, ${results.startedAt}`,
    '',
    `${results.quick ? 'Quick run (correctness only, numbers not comparable). ' : ''}` +
      `${results.rounds} round(s) of ${results.durationS} s per target and scenario, interleaved; ` +
      `${results.firstMeasuredRound > 0 ? `the first discarded as warm-up, ${measured} measured` : 'all kept'}. ` +
      'Each cell is the median over the measured rounds; ratios are per round, median (min–max).',
    '',
    '## Machine',
    '',
    `- CPU: ${m.cpuModel}, ${m.cores} cores; memory ${m.memoryGiB.toFixed(0)} GiB; ${m.os}; Node ${m.node}`,
    `- load generator: ${m.loadGenerator}; ${m.pinned ? 'each target pinned to core 1, load generator and subgraphs on core 0 (taskset)' : 'no core pinning'}`,
    `- load average (1 min) before ${m.loadAverageBefore.toFixed(2)}, after ${m.loadAverageAfter.toFixed(2)}`,
    '',
    '## Targets',
    '',
    ...results.targets.map((t) => {
      const fetches = t.testQueryFetches
        ? `; one TestQuery costs ${Object.entries(t.testQueryFetches)
            .map(([name, n]) => `${name} ${n}`)
            .join(', ')} subgraph requests`
        : '';
      return `- **${t.name}**: ${t.label}: ${
        t.status === 'measured'
          ? `answers checked, started in ${t.startupS?.toFixed(1)} s${fetches}${t.redis ? `. ${redisText(t.redis)}` : ''}`
          : `${t.status.toUpperCase()}, not measured: ${t.problem}`
      }`;
    }),
  ];
  if ((results.warnings ?? []).length > 0)
    out.push('', '## Warnings', '', ...(results.warnings ?? []).map((w) => `- ${w}`));
  for (const scenario of results.scenarios) {
    const rows = scenarioRows(results, scenario.id);
    if (rows.length === 0) continue;
    out.push('', `## ${scenario.label}`, '', markdownTable(TABLE_HEADER, rows));
  }
  if (!results.quick) {
    out.push(
      '',
      `## Published targets (Gatehouse, ${headline(results)})`,
      '',
      markdownTable(
        ['target', 'goal', 'measured', 'met'],
        budget(results).map((b) => [
          b.what,
          b.goal,
          b.measured,
          b.met === null ? 'n/a' : b.met ? 'yes' : '**no**',
        ]),
      ),
    );
  }
  out.push(
    '',
    '## Columns',
    '',
    '- **req/s**: responses per second with the target pinned to one core.',
    '- **CPU ms/req**: user + system CPU time of the target process (all threads, GC included) per response, from /proc/<pid>/stat.',
    '- **req per CPU-s**: 1000 ÷ CPU ms/req, the throughput one core would give if the target had it all: robust on a noisy machine.',
    '- **peak RSS**: VmHWM of the target process, since it started.',
    '- **subgraph req/op alone**: requests the bench subgraphs counted for one operation, sent alone (the correctness check).',
    '- **subgraph req/op under load**: requests the bench subgraphs counted during the load, per response (median of the rounds; in-flight requests make it approximate). Identical subgraph queries in flight at once are shared (dedup), so it falls below the figure alone.',
    '- **errors**: non-2xx, socket errors and timeouts of the load generator, plus answers sampled during the load that were not the expected one.',
    '',
  );
  return out.join('\n');
}
