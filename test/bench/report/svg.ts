/**
 * `chart.svg`: hand-written SVG, no chart library. For each chosen scenario, two panels of
 * horizontal bars, one bar per target: throughput on one core (req/s) and CPU time per request,
 * each bar the median with a whisker from the min to the max of the measured rounds.
 */
import type { Stat, TargetSummary } from '../stats.ts';
import type { TargetName } from '../targets.ts';
import { type BenchResults, num } from './model.ts';

const COLORS: Record<TargetName, string> = {
  gatehouse: '#2563eb',
  'gatehouse-secured': '#1e3a8a',
  'gatehouse-limited': '#0e7490',
  'gatehouse-limited-redis': '#155e75',
  'gatehouse-cached': '#047857',
  'gatehouse-entity-cached': '#0d9488',
  'gatehouse-stitching': '#93c5fd',
  'gatehouse-b': '#60a5fa',
  apollo: '#7c3aed',
  hive: '#d97706',
  'hive-router': '#dc2626',
  monolith: '#6b7280',
  'subgraph-direct': '#059669',
};

const PANEL_WIDTH = 460;
const LABEL_WIDTH = 120;
const BAR_HEIGHT = 18;
const BAR_GAP = 8;
const TITLE_HEIGHT = 46;

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function panel(
  x: number,
  y: number,
  title: string,
  rows: { target: TargetName; value: Stat | null }[],
  digits: number,
): string {
  const max = Math.max(1e-9, ...rows.map((r) => r.value?.max ?? 0));
  const width = PANEL_WIDTH - LABEL_WIDTH - 70;
  const scale = (v: number) => (v / max) * width;
  const parts = [`<text x="${x}" y="${y + 16}" class="title">${xml(title)}</text>`];
  rows.forEach((row, i) => {
    const top = y + TITLE_HEIGHT - 20 + i * (BAR_HEIGHT + BAR_GAP);
    const mid = top + BAR_HEIGHT / 2;
    parts.push(`<text x="${x}" y="${mid + 4}" class="label">${xml(row.target)}</text>`);
    if (row.value === null) {
      parts.push(`<text x="${x + LABEL_WIDTH}" y="${mid + 4}" class="value">n/a</text>`);
      return;
    }
    const v = row.value;
    const x0 = x + LABEL_WIDTH;
    parts.push(
      `<rect x="${x0}" y="${top}" width="${scale(v.median).toFixed(1)}" height="${BAR_HEIGHT}" fill="${COLORS[row.target]}"/>`,
      `<line x1="${(x0 + scale(v.min)).toFixed(1)}" x2="${(x0 + scale(v.max)).toFixed(1)}" y1="${mid}" y2="${mid}" class="whisker"/>`,
      `<text x="${(x0 + scale(v.max) + 6).toFixed(1)}" y="${mid + 4}" class="value">${num(v.median, digits)}</text>`,
    );
  });
  return parts.join('\n');
}

/** The chart for the given scenarios (one row of two panels each). */
export function chartSvg(results: BenchResults, scenarioIds: readonly string[]): string {
  const order = results.targets.map((t) => t.name);
  const blocks: string[] = [];
  let y = 52;
  for (const id of scenarioIds) {
    const scenario = results.scenarios.find((s) => s.id === id);
    const summaries: TargetSummary[] = results.summary
      .filter((s) => s.scenario === id)
      .sort((a, b) => order.indexOf(a.target) - order.indexOf(b.target));
    if (scenario === undefined || summaries.length === 0) continue;
    blocks.push(`<text x="20" y="${y}" class="heading">${xml(scenario.label)}</text>`);
    y += 14;
    blocks.push(
      panel(
        20,
        y,
        'Throughput on one core (req/s, higher is better)',
        summaries.map((s) => ({ target: s.target, value: s.rps })),
        0,
      ),
      panel(
        20 + PANEL_WIDTH + 20,
        y,
        'CPU per request (ms, lower is better)',
        summaries.map((s) => ({ target: s.target, value: s.cpuMsPerRequest })),
        2,
      ),
    );
    y += TITLE_HEIGHT + summaries.length * (BAR_HEIGHT + BAR_GAP) + 24;
  }
  const width = 20 + 2 * PANEL_WIDTH + 40;
  const height = y + 24;
  const footer = `${results.machine.cpuModel}, ${results.machine.cores} cores, Node ${results.machine.node}, ${results.machine.loadGenerator}; median of ${results.rounds - results.firstMeasuredRound} round(s), whiskers min–max`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<style>
  text { font-family: system-ui, sans-serif; fill: #111827; }
  .heading { font-size: 16px; font-weight: 600; }
  .title { font-size: 13px; fill: #374151; }
  .label { font-size: 12px; }
  .value { font-size: 11px; fill: #374151; }
  .note { font-size: 11px; fill: #6b7280; }
  .whisker { stroke: #111827; stroke-width: 1.5; }
</style>
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="20" y="20" class="heading">Gatehouse benchmark, ${xml(results.startedAt)}</text>
${blocks.join('\n')}
<text x="20" y="${height - 10}" class="note">${xml(footer)}</text>
</svg>
`;
}
