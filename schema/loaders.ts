/** The loader for each kind of backend, by its config. */

import { federationSubgraphLoader } from './federation/load.ts';
import { graphqlServiceLoader } from './graphql-service/index.ts';
import type { SubgraphOptions } from './options.ts';
import { restSubgraphLoader } from './rest/index.ts';
import type { SubgraphLoader } from './types.ts';

export function subgraphLoader(config: SubgraphOptions): SubgraphLoader {
  switch (config.kind) {
    case 'federation':
      return federationSubgraphLoader(config);
    case 'graphql':
      return graphqlServiceLoader(config);
    case 'rest':
      return restSubgraphLoader(config);
  }
}
