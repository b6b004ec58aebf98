/**
 * Loading an Apollo Federation subgraph (v1 or v2): its SDL from a file, or from the running
 * service with `{ _service { sdl } }` through the subgraph pipeline (a `schema-load` call). Its
 * executor is the bare HTTP transport; the composition root wraps it in the pipeline. A
 * `schemaFile` that cannot be read or parsed is a CONFIG_INVALID, which stops the gateway at
 * startup (waiting would not fix it); a running service's SDL that fails is retried.
 */
import { readFile } from 'node:fs/promises';
import type { ExecutionResult } from '@graphql-tools/utils';
import { type DocumentNode, OperationTypeNode, parse } from 'graphql';
import { GatehouseError, loadFailed } from '../../core/errors.ts';
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
    const typeDefs =
      config.sdl !== undefined
        ? parseInlineSdl(config.name, config.sdl)
        : config.schemaFile !== undefined
          ? await readSchemaFile(config.name, config.schemaFile)
          : parseServiceSdl(
              config.name,
              await fetchSubgraphSdl(config.name, (request) => context.load(config, request)),
            );
    return { name: config.name, typeDefs, executor: context.transport(config), url: config.url };
  };
}

function parseServiceSdl(name: string, sdl: string): DocumentNode {
  try {
    return parse(sdl);
  } catch (cause) {
    throw loadFailed(name, `the SDL of ${name} does not parse: ${(cause as Error).message}`, cause);
  }
}

/** Parses an SDL given inline (a registry entry's); CONFIG_INVALID when it does not parse. */
function parseInlineSdl(name: string, sdl: string): DocumentNode {
  try {
    return parse(sdl);
  } catch (cause) {
    throw new GatehouseError(
      'CONFIG_INVALID',
      `the sdl of ${name} does not parse: ${(cause as Error).message}`,
      [],
      { cause },
    );
  }
}

/** Reads and parses the `schemaFile`; rejects with CONFIG_INVALID naming the file. */
async function readSchemaFile(name: string, file: string): Promise<DocumentNode> {
  let sdl: string;
  try {
    sdl = await readFile(file, 'utf8');
  } catch (cause) {
    throw new GatehouseError(
      'CONFIG_INVALID',
      `cannot read the schemaFile of ${name} (${file}): ${(cause as Error).message}`,
      [],
      { cause },
    );
  }
  try {
    return parse(sdl);
  } catch (cause) {
    throw new GatehouseError(
      'CONFIG_INVALID',
      `the schemaFile of ${name} (${file}) does not parse: ${(cause as Error).message}`,
      [],
      { cause },
    );
  }
}
