/** The room's options, normalised once into a frozen, fully resolved object. */
import type { DemandControlConfig, SubgraphCostConfig } from '../config/demand-control-schema.ts';

export interface DemandControlOptions {
  /**
   * Most estimated cost an operation may have; 0 for none.
   * @default 0
   */
  maxCost?: number;
  /**
   * Items assumed of a list field that no slicing argument nor `assumedSize` sizes.
   * @default 10
   */
  defaultListSize?: number;
  /**
   * `enforce` refuses operations over `maxCost`; `measure` only computes and shows the cost.
   * @default 'enforce'
   */
  mode?: DemandControlConfig['mode'];
  /**
   * When responses carry `extensions.cost`: never, for requests whose `extensions` hold
   * `"cost": true`, or always.
   * @default 'when-asked'
   */
  exposeCost?: DemandControlConfig['exposeCost'];
  /**
   * Each subgraph's `cost` of the config (`@cost` / `@listSize` by coordinate), by subgraph name.
   * @default new Map()
   */
  subgraphs?: ReadonlyMap<string, SubgraphCostConfig>;
}

export interface ResolvedDemandControl {
  readonly maxCost: number;
  readonly defaultListSize: number;
  readonly mode: DemandControlConfig['mode'];
  readonly exposeCost: DemandControlConfig['exposeCost'];
  readonly subgraphs: ReadonlyMap<string, SubgraphCostConfig>;
  /** Operations are refused: `enforce` with a `maxCost`. */
  readonly enforces: boolean;
}

export function normalizeOptions(options: DemandControlOptions): ResolvedDemandControl {
  const maxCost = options.maxCost ?? 0;
  const mode = options.mode ?? 'enforce';
  return Object.freeze({
    maxCost,
    defaultListSize: options.defaultListSize ?? 10,
    mode,
    exposeCost: options.exposeCost ?? 'when-asked',
    subgraphs: options.subgraphs ?? new Map(),
    enforces: mode === 'enforce' && maxCost > 0,
  });
}
