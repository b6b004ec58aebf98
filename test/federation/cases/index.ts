/**
 * Every conformance graph: `conformance.test.ts` runs their cases on each engine and
 * `differential.test.ts` compares the engines' answers to them. A new graph is added here.
 */
import type { ConformanceGraph } from '../conformance.ts';
import { subgraphErrors } from './errors.ts';
import { interfacesUnions } from './interfaces-unions.ts';
import { keys } from './keys.ts';
import { lists } from './lists.ts';
import { nullPropagation } from './null-propagation.ts';
import { overrideLabels } from './override-labels.ts';
import { partialFailures } from './partial-failures.ts';
import { provides } from './provides.ts';
import { requires } from './requires.ts';
import { rootFields } from './root-fields.ts';
import { shareableOverride } from './shareable-override.ts';

export const conformanceGraphs: readonly ConformanceGraph[] = [
  ...keys,
  ...requires,
  ...provides,
  ...shareableOverride,
  overrideLabels,
  ...interfacesUnions,
  lists,
  rootFields,
  subgraphErrors,
  partialFailures,
  nullPropagation,
];
