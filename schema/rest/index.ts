import type { RestSubgraphConfig } from '../../gateway/config/index.ts';
import type { SubgraphLoader } from '../types.ts';

export function restSubgraphLoader(config: RestSubgraphConfig): SubgraphLoader {
  return async () => {
    throw new Error(`REST subgraph ${config.name}: not built yet`);
  };
}
