/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): busy time by request stage (see
 * categories.ts), by package and by function (self time), as Markdown. With the number of requests
 * the profiled process served, each stage also gets its CPU milliseconds per request.
 *
 *   node --import tsx test/bench/profile/summary.ts <file.cpuprofile>... [--requests n] [--cpu-ms ms]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { categoryOf, type Frame, locationOf } from './categories.ts';

export interface CpuProfile {
  nodes: { id: number; callFrame: Frame & { lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

type Totals = Map<string, number>;
const add = (totals: Totals, key: string, us: number) => totals.set(key, (totals.get(key) ?? 0) + us);

export interface ProfileTotals {
  /** Microseconds of samples that were not idle. */
  busyUs: number;
  byCategory: Totals;
  byPackage: Totals;
  byFunction: Totals;
}

export function totalsOf(profile: CpuProfile): ProfileTotals {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const categoryCache = new Map<number, string>();
  const categoryFor = (id: number): string => {
    const cached = categoryCache.get(id);
    if (cached !== undefined) return cached;
    let current: number | undefined = id;
    let found: string | undefined;
    while (current !== undefined && found === undefined) {
      found = categoryOf(byId.get(current)!.callFrame);
      current = parent.get(current);
    }
    const category = found ?? `other: ${locationOf(byId.get(id)!.callFrame)}`;
    categoryCache.set(id, category);
    return category;
  };
  const totals: ProfileTotals = {
    busyUs: 0,
    byCategory: new Map(),
    byPackage: new Map(),
    byFunction: new Map(),
  };
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const category = categoryFor(id);
    if (category === 'idle') return;
    const frame = byId.get(id)!.callFrame;
    totals.busyUs += us;
    add(totals.byCategory, category, us);
    add(totals.byPackage, locationOf(frame), us);
    add(
      totals.byFunction,
      `${frame.functionName || '(anonymous)'} · ${locationOf(frame)}:${frame.lineNumber + 1}`,
      us,
    );
  });
  return totals;
}

/** Turns profile microseconds into CPU milliseconds per request, or undefined without a request count. */
type PerRequest = ((us: number) => number) | undefined;

function table(title: string, totals: Totals, busyUs: number, top: number, perRequest: PerRequest): string {
  const rows = [...totals].sort((a, b) => b[1] - a[1]).slice(0, top);
  const lines = [
    `| ${title} | ms | share of busy |${perRequest ? ' ms per request |' : ''}`,
    `| --- | ---: | ---: |${perRequest ? ' ---: |' : ''}`,
    ...rows.map(
      ([key, us]) =>
        `| ${key.replace(/\|/g, '\\|')} | ${(us / 1000).toFixed(0)} | ${((100 * us) / busyUs).toFixed(1)}% |${
          perRequest ? ` ${key.startsWith('startup') ? '—' : perRequest(us).toFixed(3)} |` : ''
        }`,
    ),
  ];
  return lines.join('\n');
}

export interface SummaryOptions {
  /** Requests the profiled process served. */
  requests?: number;
  /**
   * CPU per request measured from /proc. The profiler samples wall time, so on a busy machine its
   * milliseconds overstate CPU; with this, each stage gets its share (startup excluded) of it.
   */
  cpuMsPerRequest?: number;
  /** Rows per table. @default 30 */
  top?: number;
}

/** The Markdown summary of one or more profiles (a process with workers writes one per thread). */
export function summariseProfiles(profiles: readonly CpuProfile[], options: SummaryOptions = {}) {
  const all: ProfileTotals = {
    busyUs: 0,
    byCategory: new Map(),
    byPackage: new Map(),
    byFunction: new Map(),
  };
  for (const p of profiles) {
    const t = totalsOf(p);
    all.busyUs += t.busyUs;
    for (const key of ['byCategory', 'byPackage', 'byFunction'] as const)
      for (const [k, us] of t[key]) add(all[key], k, us);
  }
  const top = options.top ?? 30;
  const startup = [...all.byCategory]
    .filter(([k]) => k.startsWith('startup'))
    .reduce((n, [, us]) => n + us, 0);
  const serving = all.busyUs - startup;
  const { requests, cpuMsPerRequest } = options;
  const perRequest: PerRequest =
    cpuMsPerRequest !== undefined && serving > 0
      ? (us) => (us / serving) * cpuMsPerRequest
      : requests !== undefined && requests > 0
        ? (us) => us / 1000 / requests
        : undefined;
  const head = [
    `Busy time in the profile: ${(all.busyUs / 1000).toFixed(0)} ms, of which startup ${(startup / 1000).toFixed(0)} ms.`,
    requests
      ? `Requests served: ${requests}; profile time per request: ${(serving / 1000 / requests).toFixed(3)} ms.`
      : '',
    cpuMsPerRequest !== undefined
      ? `CPU per request measured from /proc: ${cpuMsPerRequest.toFixed(3)} ms; the "ms per request" columns share it out.`
      : '',
  ].filter(Boolean);
  return [
    ...head,
    '',
    table('stage', all.byCategory, all.busyUs, top, perRequest),
    '',
    table('package or folder (self time)', all.byPackage, all.busyUs, top, perRequest),
    '',
    table('function (self time)', all.byFunction, all.busyUs, top, perRequest),
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { requests: { type: 'string' }, 'cpu-ms': { type: 'string' }, top: { type: 'string' } },
  });
  if (positionals.length === 0) {
    process.stderr.write('usage: summary.ts <file.cpuprofile>... [--requests n] [--cpu-ms ms] [--top n]\n');
    process.exit(2);
  }
  const profiles = positionals.map((file) => JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  process.stdout.write(
    summariseProfiles(profiles, {
      ...(values.requests !== undefined && { requests: Number(values.requests) }),
      ...(values['cpu-ms'] !== undefined && { cpuMsPerRequest: Number(values['cpu-ms']) }),
      ...(values.top !== undefined && { top: Number(values.top) }),
    }),
  );
}
