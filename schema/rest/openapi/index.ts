import type { RestSubgraphConfig } from '../../../gateway/config/index.ts';

export async function openApiSubgraphSdl(
  name: string,
  file: string,
  _entities: RestSubgraphConfig['entities'],
): Promise<string> {
  throw new Error(`${name}: ${file}: OpenAPI import not built yet`);
}
