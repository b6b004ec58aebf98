/**
 * From an SDL with REST directives to a subgraph: read and check the mapping (every problem
 * reported at once, naming the type and field), strip it, build the in-process federation schema
 * with resolvers that call the API, and wrap it in an executor.
 */
import { type DocumentNode, Kind, parse } from 'graphql';
import { LOOKUP_CONCURRENCY } from '../../core/defaults.ts';
import { loadFailed } from '../../core/errors.ts';
import { buildSubgraphSchema } from '../federation/build-subgraph-schema.ts';
import type { SubgraphDefinition } from '../types.ts';
import { BIG_INT } from './big-int.ts';
import { inProcessExecutor } from './executor.ts';
import type { RestTarget } from './http.ts';
import { readRestDirectives } from './read-directives.ts';
import { buildRestResolvers } from './resolvers.ts';
import { federationTypeDefs, stripRestMapping } from './strip.ts';

/** What `buildRestSubgraph` needs: the SDL, where it came from, and the API to call. */
export interface BuildRestSubgraphOptions {
  /** SDL with `@rest`, `@restLookup` and `@map`. */
  sdl: string | DocumentNode;
  /** Where the SDL came from, for messages (a file path). */
  source: string;
  target: RestTarget;
  /** Single lookup calls in flight per batch. @default LOOKUP_CONCURRENCY (8) */
  concurrency?: number;
}

/** Builds the subgraph; throws a `GatehouseError` (SUBGRAPH_LOAD_FAILED) listing every problem. */
export function buildRestSubgraph(options: BuildRestSubgraphOptions): SubgraphDefinition {
  const name = options.target.serviceName;
  const failed = (problems: string[], cause?: unknown) =>
    loadFailed(name, `REST subgraph ${name}: ${options.source} cannot be used`, cause, problems);

  let document: DocumentNode;
  try {
    document = typeof options.sdl === 'string' ? parse(options.sdl) : options.sdl;
  } catch (cause) {
    throw failed([`the SDL does not parse: ${(cause as Error).message}`], cause);
  }
  const { model, problems } = readRestDirectives(document);
  if (problems.length > 0) throw failed(problems);

  const stripped = stripRestMapping(document);
  // int64 values past 2^53 reach the scalar exactly only if the answer is read without doubles.
  const exactIntegers = stripped.definitions.some(
    (d) => d.kind === Kind.SCALAR_TYPE_DEFINITION && d.name.value === BIG_INT,
  );
  const resolvers = buildRestResolvers(stripped, {
    target: exactIntegers ? { ...options.target, exactIntegers } : options.target,
    model,
    concurrency: options.concurrency ?? LOOKUP_CONCURRENCY,
  });
  let schema: ReturnType<typeof buildSubgraphSchema>;
  try {
    schema = buildSubgraphSchema({ typeDefs: stripped, resolvers });
  } catch (cause) {
    throw failed([`the SDL does not build a schema: ${(cause as Error).message}`], cause);
  }
  return {
    name,
    typeDefs: federationTypeDefs(stripped),
    executor: inProcessExecutor(name, schema),
    url: options.target.baseUrl,
  };
}
