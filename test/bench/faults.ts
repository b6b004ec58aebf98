/**
 * The fault drill (`npm run bench:faults`): a gateway on loopback over a healthy federation
 * subgraph and a faulty one, and for each fault a bounded load of two operations (one needing only
 * the healthy subgraph, one needing the faulty one too) through baseline → fault → recovery. It
 * prints a Markdown table of success ratios, latencies, and the breaker's timings, and writes it to
 * bench-results/faults.md. About two minutes.
 *
 * `--only <name>` runs the scenarios whose name contains it (e.g. `--only hang`).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startHealthySubgraph } from '../helpers/fault-graph.ts';
import { runScenario } from './faults/drill.ts';
import { markdown, type ScenarioResult } from './faults/report.ts';
import { SCENARIOS } from './faults/scenarios.ts';
import { describeSettings } from './faults/settings.ts';
import { figures } from './faults/summary.ts';

const OUTPUT = join(import.meta.dirname, '..', '..', 'bench-results', 'faults.md');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' } } });
  const scenarios = SCENARIOS.filter((s) => values.only === undefined || s.name.includes(values.only));
  const loadBefore = loadavg();
  const started = performance.now();
  const healthy = await startHealthySubgraph();
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of scenarios) {
      if (scenario.skip !== undefined) {
        process.stderr.write(`${scenario.name}: skipped (${scenario.skip})\n`);
        results.push({ scenario, skipped: scenario.skip });
        continue;
      }
      process.stderr.write(`${scenario.name}: running\n`);
      try {
        results.push({ scenario, figures: figures(await runScenario(scenario, healthy)) });
      } catch (error) {
        // The gateway changes under the drill (a config key renamed): say so, run the others.
        const why = (error as Error).message.split('\n').slice(0, 3).join(' ');
        process.stderr.write(`${scenario.name}: failed: ${why}\n`);
        results.push({ scenario, skipped: `failed to run: ${why}` });
      }
    }
  } finally {
    await healthy.close();
  }
  const report = markdown(
    {
      date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      command: `npm run bench:faults${values.only === undefined ? '' : ` -- --only ${values.only}`}`,
      loadBefore,
      loadAfter: loadavg(),
      revision: revision(),
      machine: `Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? '?'})`,
      settings: describeSettings(),
      seconds: (performance.now() - started) / 1000,
    },
    results,
  );
  process.stdout.write(report);
  await mkdir(join(OUTPUT, '..'), { recursive: true });
  await writeFile(OUTPUT, report);
  process.stderr.write(`written to ${OUTPUT}\n`);
}

/** The commit measured, and whether the working tree differed from it. */
function revision(): string {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
  try {
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' with uncommitted changes' : ''}`;
  } catch {
    return 'unknown revision';
  }
}

await main();
