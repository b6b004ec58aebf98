/**
 * Progressive `@override` on the stitching engine: one draw per operation. graphql-tools decides
 * each overridden field on its own (a `percent(x)` label draws twice, once per subgraph, so both
 * may say no and the field is fetched from neither, answered null). The engine room runs each
 * stitching operation inside `withOverride`, and the stitched schema reads its draw and flag
 * labels from here, so one operation sees one consistent graph, as on the plan engine.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface OverrideDraw {
  /** In [0, 1): a `percent(x)` override applies when it is below x / 100. */
  readonly draw: number;
  /** The flag labels turned on (`overrideLabels`). */
  readonly labels: ReadonlySet<string>;
}

const storage = new AsyncLocalStorage<OverrideDraw>();

/** Runs `fn` as one operation with `draw`. */
export function withOverride<T>(draw: OverrideDraw, fn: () => T): T {
  return storage.run(draw, fn);
}

/** The draw of the operation running, if any. */
export function currentOverride(): OverrideDraw | undefined {
  return storage.getStore();
}
