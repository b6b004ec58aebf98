/** Every data-driven conformance case (`cases/index.ts`), on each engine. */
import { conformanceGraphs } from './cases/index.ts';
import { runConformance } from './conformance.ts';

runConformance(conformanceGraphs);
