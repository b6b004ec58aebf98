/** The data-driven conformance cases (`cases/`), each on every engine. */
import { conformanceGraphs } from './cases/index.ts';
import { runConformance } from './conformance.ts';

runConformance(conformanceGraphs);
