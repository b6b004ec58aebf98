/**
 * Picks the load generator: the one asked for, else wrk when installed, else autocannon (installed
 * with the peers), else (quick runs, no peers) the small Node generator.
 */
import type { LoaderName } from '../options.ts';
import { autocannonGenerator } from './autocannon.ts';
import { nodeGenerator } from './node.ts';
import type { LoadGenerator } from './types.ts';
import { wrkGenerator } from './wrk.ts';

export type { LoadGenerator, LoadResult, LoadSpec } from './types.ts';

export function pickLoadGenerator(asked: LoaderName | undefined): LoadGenerator {
  const byName: Record<LoaderName, () => LoadGenerator | undefined> = {
    wrk: wrkGenerator,
    autocannon: autocannonGenerator,
    node: nodeGenerator,
  };
  if (asked !== undefined) {
    const generator = byName[asked]();
    if (generator === undefined)
      throw new Error(
        asked === 'wrk'
          ? 'wrk is not installed (apt-get install -y wrk)'
          : 'autocannon is not installed: run the full benchmark once (it installs test/bench/peers)',
      );
    return generator;
  }
  return wrkGenerator() ?? autocannonGenerator() ?? nodeGenerator();
}
