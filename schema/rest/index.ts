/**
 * REST APIs as federation subgraphs, executed in process through the pooled client. The mapping is
 * an SDL with `@rest`, `@restLookup` and `@map` (`schemaFile`), or is generated from an OpenAPI 3
 * document (`openapi`); both go through the same builder. See docs/rest.md. Both are local files:
 * one that cannot be read, parsed or built is a CONFIG_INVALID, which stops the gateway at
 * startup (waiting would not fix it).
 */
import { readFile } from 'node:fs/promises';
import { GatehouseError } from '../../core/errors.ts';
import type { RestSubgraphOptions } from '../options.ts';
import type { SubgraphDefinition, SubgraphLoader } from '../types.ts';
import { buildRestSubgraph } from './build.ts';
import { openApiSubgraphSdl } from './openapi/index.ts';

export { buildRestSubgraph } from './build.ts';

/** The loader of a `kind: rest` subgraph: reads its SDL or OpenAPI document, then builds it. */
export function restSubgraphLoader(config: RestSubgraphOptions): SubgraphLoader {
  return async function loadRestSubgraph(context): Promise<SubgraphDefinition> {
    const source =
      config.openapi ?? config.schemaFile ?? (config.sdl !== undefined ? 'sdl' : '(no schemaFile)');
    const sdl =
      config.sdl !== undefined
        ? config.sdl
        : config.openapi !== undefined
          ? await openApiSubgraphSdl(config.name, config.openapi, config.entities)
          : await readSdl(config.name, source);
    try {
      return buildRestSubgraph({
        sdl,
        source,
        concurrency: config.concurrency,
        target: {
          serviceName: config.name,
          baseUrl: config.url,
          client: context.client,
          timeout: config.timeout,
          headers: config.headers ?? {},
        },
      });
    } catch (error) {
      throw asConfigInvalid(error);
    }
  };
}

/** The builder's SUBGRAPH_LOAD_FAILED as CONFIG_INVALID: the mapping is a local file. */
function asConfigInvalid(error: unknown): unknown {
  if (!(error instanceof GatehouseError) || error.code !== 'SUBGRAPH_LOAD_FAILED') return error;
  // The message without the problems the constructor appended to it.
  const message = error.message.split('\n')[0]!;
  return new GatehouseError('CONFIG_INVALID', message, error.problems, { cause: error.cause });
}

async function readSdl(name: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (cause) {
    throw new GatehouseError('CONFIG_INVALID', `REST subgraph ${name}: cannot read ${file}`, [
      `check schemaFile: ${(cause as Error).message}`,
    ]);
  }
}
