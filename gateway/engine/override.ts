/**
 * Progressive `@override` (stage: plan). A field with `@override(from:, label: "percent(x)")`
 * moves to its new subgraph for x% of operations; one with a flag label (`label: "beta"`) when the
 * label is turned on (`overrideLabels` in the config). The planner takes the turned-on labels and
 * a number in [0, 100): a `percent(x)` override applies when the number is below x.
 *
 * Plans are cached per outcome, so the number drawn for each operation is reduced to its bucket:
 * the largest of the supergraph's percentages at or below it (0 below them all). Operations in
 * one bucket get the same plan; a supergraph with no percentages has a single bucket.
 */

/** The representative of the bucket `draw` falls in, given the percentages in ascending order. */
export function overrideBucket(percentages: readonly number[], draw: number): number {
  let bucket = 0;
  for (const percentage of percentages) {
    if (percentage > draw) break;
    bucket = percentage;
  }
  return bucket;
}

/** The supergraph's percentages, ascending and without repeats. */
export function sortedPercentages(percentages: readonly number[]): number[] {
  return [...new Set(percentages)].sort((a, b) => a - b);
}
