/**
 * Scraping `/metrics` in tests: the text parsed by a real Prometheus text-format parser
 * (`parse-prometheus-text-format`, prom2json's output shape), and look-ups of samples by labels.
 */
import parse from 'parse-prometheus-text-format';

export interface Sample {
  value?: string;
  labels?: Record<string, string>;
}

export interface Family {
  name: string;
  help: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  metrics: Sample[];
}

const parseText = parse as unknown as (text: string) => Family[];

/**
 * The families of a scrape, by name. The parser folds a histogram with labels into one sample
 * without them, so each histogram `h` is also read as its series `h_bucket`, `h_sum` and
 * `h_count` (untyped families with their labels): the same text through the same parser, without
 * the histogram's `# HELP` and `# TYPE` lines.
 */
export function parseMetrics(text: string): Map<string, Family> {
  const families = new Map(parseText(text).map((f) => [f.name, f]));
  const histograms = [...families.values()].filter((f) => f.type === 'HISTOGRAM').map((f) => f.name);
  const series = text
    .split('\n')
    .filter(
      (line) => !histograms.some((h) => line.startsWith(`# HELP ${h} `) || line === `# TYPE ${h} histogram`),
    )
    .join('\n');
  // prom-client writes each label set's buckets, sum and count in turn: a series comes in parts.
  for (const family of parseText(series)) {
    if (!histograms.some((h) => family.name.startsWith(`${h}_`))) continue;
    const seen = families.get(family.name);
    if (seen === undefined) families.set(family.name, family);
    else seen.metrics.push(...family.metrics);
  }
  return families;
}

/** The samples of `family` whose labels include every one of `labels`. */
export function samples(
  families: Map<string, Family>,
  family: string,
  labels: Record<string, string> = {},
): Sample[] {
  const found = families.get(family);
  if (found === undefined) throw new Error(`no family ${family} in the scrape`);
  return found.metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
}

/** The sum of the values of the samples matching `labels` (of a histogram `h`: pass `h_count`). */
export function total(
  families: Map<string, Family>,
  family: string,
  labels: Record<string, string> = {},
): number {
  return samples(families, family, labels).reduce((sum, m) => sum + Number(m.value ?? 0), 0);
}
