import type { GraphqlSubgraphConfig } from '../../gateway/config/index.ts';
import type { SubgraphLoader } from '../types.ts';

export function graphqlServiceLoader(config: GraphqlSubgraphConfig): SubgraphLoader {
  return async () => {
    throw new Error(`GraphQL service ${config.name}: not built yet`);
  };
}
