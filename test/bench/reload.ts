/**
 * The reload drill (`npm run bench:reload`, and the last step of `npm run bench`): 60 s of load
 * at 50 connections on a real gateway process while its supergraph file is swapped every second
 * (two versions; in-place rewrites, renames and partial writes in two chunks in turn). Prints a Markdown report and writes
 * it to bench-results/reload.md (or `--out <dir>`/reload.md); exits 1 when a request failed, an
 * answer matched neither version, or the last version was not served.
 *
 *   npm run bench:reload -- [--seconds 60] [--swap-every 1000] [--connections 50] [--out dir]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type ReloadDrillFigures, runReloadDrill } from './reload/drill.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    'swap-every': { type: 'string', default: '1000' },
    connections: { type: 'string', default: '50' },
    out: { type: 'string', default: join(import.meta.dirname, '..', '..', 'bench-results') },
  },
});

function markdown(f: ReloadDrillFigures, machine: string): string {
  const mib = (n: number) => `${n.toFixed(0)} MiB`;
  return [
    '# Reload under load',
    '',
    `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · ${machine} · load average before ${loadavg()[0]?.toFixed(2)}`,
    '',
    `${f.seconds} s at ${f.connections} connections; the supergraph file swapped every ${f.swapEvery} ms (versions A and B, in place, by rename, and in place in two chunks with a pause).`,
    '',
    '| figure | value |',
    '| --- | --- |',
    `| requests | ${f.requests} (${(f.requests / f.seconds).toFixed(0)}/s) |`,
    `| failed (not 200, or an answer of neither version) | ${f.failures} |`,
    `| answers of version A / B | ${f.answersA} / ${f.answersB} |`,
    `| swaps written (in place / renamed / two chunks) | ${f.swaps.written} (${f.swaps.inPlace} / ${f.swaps.renamed} / ${f.swaps.partial}) |`,
    `| new schemas put in service / kept out | ${f.reloads.succeeded} / ${f.reloads.failed} |`,
    `| versions read half written (logged, not served) | ${f.unservable} |`,
    `| last version served at the end | ${f.lastVersionServed ? 'yes' : 'NO'} |`,
    `| gateway RSS: after 1 s / end / highest | ${mib(f.rssMiB.start)} / ${mib(f.rssMiB.end)} / ${mib(f.rssMiB.max)} |`,
    '',
    ...(f.failureSamples.length > 0 ? ['Failures:', '', ...f.failureSamples.map((s) => `- ${s}`), ''] : []),
    `RSS each second (MiB): ${f.rssMiB.samples.map((s) => s.toFixed(0)).join(' ')}`,
    '',
  ].join('\n');
}

const figures = await runReloadDrill({
  seconds: Number(values.seconds),
  swapEvery: Number(values['swap-every']),
  connections: Number(values.connections),
  log: (line) => process.stderr.write(`reload drill: ${line}\n`),
});
const report = markdown(figures, `Node ${process.version}, ${cpus().length} CPUs`);
process.stdout.write(report);
await mkdir(values.out, { recursive: true });
await writeFile(join(values.out, 'reload.md'), report);
process.exitCode = figures.failures === 0 && figures.lastVersionServed ? 0 : 1;
