/**
 * A plain GraphQL service (one that knows nothing of federation) as a federation subgraph.
 *
 * Loading: the schema is introspected through the subgraph pipeline (a `schema-load` call) (or read from `schemaFile`),
 * the lookups (config `lookups` and `@lookup` in the file) are checked against it, and a
 * federation v2 SDL is generated for composition: entities get `@key`, other object types
 * `@shareable`. Executing: an in-process subgraph whose root fields delegate to the service and
 * whose `_entities` calls the lookup fields. See `docs/graphql-service.md`.
 */
import { Subschema } from '@graphql-tools/delegate';
import { print } from 'graphql';
import { signalOfRoot } from '../../core/client-signal.ts';
import { headersOfRoot, NO_HEADERS, withHeaders } from '../../core/outgoing-headers.ts';
import { deriveRequest } from '../../core/request-table.ts';
import { type SubgraphExecutor, toToolsExecutor } from '../../core/subgraph-call.ts';
import type { GraphqlServiceOptions } from '../options.ts';
import type { SubgraphDefinition, SubgraphLoader } from '../types.ts';
import { buildServiceSubgraphSchema, createServiceExecutor } from './executable.ts';
import { configLookups, directiveLookups, resolveLookups } from './lookups.ts';
import { buildServiceSchema, introspectService, readServiceSchema } from './source.ts';
import { federationServiceSdl, normalisedServiceSdl } from './subgraph-sdl.ts';

/**
 * Each delegated request carries the headers and the signal of the subgraph call it belongs to
 * (its root value's): the call's deadline and departure, not the first client operation's.
 */
function withCallHeaders(transport: SubgraphExecutor): SubgraphExecutor {
  return function serviceTransport(request) {
    const values = headersOfRoot(request.rootValue);
    const withValues = values === NO_HEADERS ? request : withHeaders(request, values);
    const signal = request.signal === undefined ? signalOfRoot(request.rootValue) : undefined;
    // Derived, so that what is kept beside the request (its headers, its kind) reads through.
    return transport(signal === undefined ? withValues : deriveRequest(withValues, { signal }));
  };
}

export function graphqlServiceLoader(config: GraphqlServiceOptions): SubgraphLoader {
  return async function loadGraphqlService(context): Promise<SubgraphDefinition> {
    const schema =
      config.sdl !== undefined
        ? buildServiceSchema(config.name, config.sdl, 'sdl')
        : config.schemaFile !== undefined
          ? await readServiceSchema(config.name, config.schemaFile)
          : await introspectService(config.name, (request) => context.load(config, request));
    const lookups = resolveLookups(config.name, schema, [
      ...configLookups(config.lookups),
      ...directiveLookups(schema),
    ]);
    const normalised = normalisedServiceSdl(config.name, schema);
    const typeDefs = federationServiceSdl(normalised, lookups);
    const subgraphSchema = buildServiceSubgraphSchema({
      serviceName: config.name,
      typeDefs: normalised,
      sdl: print(typeDefs),
      // The service's own HTTP calls: the bare transport over the pooled client (its interceptors
      // apply), with the headers of the subgraph call they are made for; the pipeline wraps this
      // subgraph's executor as a whole.
      subschema: new Subschema({
        name: config.name,
        schema,
        executor: toToolsExecutor(withCallHeaders(context.transport(config))),
      }),
      lookups,
    });
    return {
      name: config.name,
      typeDefs,
      executor: createServiceExecutor(subgraphSchema),
      url: config.url,
    };
  };
}
