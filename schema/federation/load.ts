/**
 * Loading an Apollo Federation subgraph (v1 or v2): its SDL from a file, or from the running
 * service with `{ _service { sdl } }` through the upstream pipeline.
 */
import { readFile } from 'node:fs/promises';
import { type DocumentNode, parse } from 'graphql';
import type { FederationSubgraphConfig } from '../../gateway/config/index.ts';
import { gatewayError } from '../../gateway/errors/index.ts';
import type { SubgraphExecutor } from '../../gateway/upstream/index.ts';
import type { SubgraphDefinition, SubgraphLoader } from '../types.ts';

const SERVICE_SDL = parse('query __GatehouseServiceSdl { _service { sdl } }');

/** Asks a running subgraph for its SDL. Rejects with SUBGRAPH_LOAD_FAILED when it cannot. */
export async function fetchSubgraphSdl(name: string, executor: SubgraphExecutor): Promise<string> {
  const result = await executor({
    document: SERVICE_SDL,
    operationName: '__GatehouseServiceSdl',
    operationType: 'query' as never,
  });
  const sdl = (result.data as { _service?: { sdl?: unknown } } | null | undefined)?._service?.sdl;
  if (typeof sdl === 'string' && sdl.trim() !== '') return sdl;
  const reason = result.errors?.[0]?.message ?? 'the answer has no _service.sdl';
  throw gatewayError('SUBGRAPH_LOAD_FAILED', `cannot load the schema of ${name}: ${reason}`, {
    serviceName: name,
    cause: result.errors?.[0],
  });
}

export function federationSubgraphLoader(config: FederationSubgraphConfig): SubgraphLoader {
  return async function loadFederationSubgraph(context): Promise<SubgraphDefinition> {
    const executor = context.remoteExecutor(config);
    const sdl =
      config.schemaFile !== undefined
        ? await readFile(config.schemaFile, 'utf8')
        : await fetchSubgraphSdl(config.name, executor);
    let typeDefs: DocumentNode;
    try {
      typeDefs = parse(sdl);
    } catch (cause) {
      throw gatewayError(
        'SUBGRAPH_LOAD_FAILED',
        `the SDL of ${config.name} does not parse: ${(cause as Error).message}`,
        {
          serviceName: config.name,
          cause,
        },
      );
    }
    return { name: config.name, typeDefs, executor, url: config.url };
  };
}
