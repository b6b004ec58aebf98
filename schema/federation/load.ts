/**
 * Loading an Apollo Federation subgraph (v1 or v2): its SDL from a file, or from the running
 * service with `{ _service { sdl } }` through the subgraph pipeline (a `schema-load` call). Its
 * executor is the bare HTTP transport; the composition root wraps it in the pipeline.
 */
import { readFile } from 'node:fs/promises';
import type { ExecutionResult } from '@graphql-tools/utils';
import { type DocumentNode, OperationTypeNode, parse } from 'graphql';
import { loadFailed } from '../../core/errors.ts';
import type { SubgraphExecutor } from '../../core/subgraph-call.ts';
import type { FederationSubgraphOptions } from '../options.ts';
import type { SubgraphDefinition, SubgraphLoader } from '../types.ts';

const SERVICE_SDL = parse('query __GatehouseServiceSdl { _service { sdl } }');

/** Asks a running subgraph for its SDL. Rejects with SUBGRAPH_LOAD_FAILED when it cannot. */
export async function fetchSubgraphSdl(name: string, executor: SubgraphExecutor): Promise<string> {
  let result: ExecutionResult;
  try {
    result = await executor({
      document: SERVICE_SDL,
      operationName: '__GatehouseServiceSdl',
      operationType: OperationTypeNode.QUERY,
    });
  } catch (cause) {
    throw loadFailed(name, `cannot load the schema of ${name}: ${(cause as Error).message}`, cause);
  }
  const sdl = (result.data as { _service?: { sdl?: unknown } } | null | undefined)?._service?.sdl;
  if (typeof sdl === 'string' && sdl.trim() !== '') return sdl;
  const reason = result.errors?.[0]?.message ?? 'the answer has no _service.sdl';
  throw loadFailed(name, `cannot load the schema of ${name}: ${reason}`, result.errors?.[0]);
}

export function federationSubgraphLoader(config: FederationSubgraphOptions): SubgraphLoader {
  return async function loadFederationSubgraph(context): Promise<SubgraphDefinition> {
    const sdl =
      config.schemaFile !== undefined
        ? await readSchemaFile(config.name, config.schemaFile)
        : await fetchSubgraphSdl(config.name, (request) => context.load(config, request));
    let typeDefs: DocumentNode;
    try {
      typeDefs = parse(sdl);
    } catch (cause) {
      throw loadFailed(
        config.name,
        `the SDL of ${config.name} does not parse: ${(cause as Error).message}`,
        cause,
      );
    }
    return { name: config.name, typeDefs, executor: context.transport(config), url: config.url };
  };
}

async function readSchemaFile(name: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (cause) {
    throw loadFailed(
      name,
      `cannot read the schemaFile of ${name} (${file}): ${(cause as Error).message}`,
      cause,
    );
  }
}
