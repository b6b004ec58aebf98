/**
 * Every conformance graph: `conformance.test.ts` runs their cases on each engine and
 * `differential.test.ts` compares the engines' answers to them. A new graph is added here.
 */
import type { ConformanceGraph } from '../conformance.ts';
import { subgraphErrors } from './errors.ts';
import { inaccessible } from './inaccessible.ts';
import { interfaceObject } from './interface-object.ts';
import { interfacesUnions } from './interfaces-unions.ts';
import { introspection } from './introspection.ts';
import { keys } from './keys.ts';
import { lists } from './lists.ts';
import { nullPropagation } from './null-propagation.ts';
import { operations } from './operations.ts';
import { overrideLabels } from './override-labels.ts';
import { partialFailures } from './partial-failures.ts';
import { provides } from './provides.ts';
import { requires } from './requires.ts';
import { rootFields } from './root-fields.ts';
import { shareableOverride } from './shareable-override.ts';
import { versions } from './versions.ts';

export const conformanceGraphs: readonly ConformanceGraph[] = [
  ...versions,
  ...keys,
  ...requires,
  ...provides,
  ...shareableOverride,
  overrideLabels,
  ...interfacesUnions,
  interfaceObject,
  operations,
  inaccessible,
  introspection,
  lists,
  rootFields,
  subgraphErrors,
  partialFailures,
  nullPropagation,
];
