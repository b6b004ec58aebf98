/**
 * A plain GraphQL service (one that knows nothing of federation) as a federation subgraph.
 *
 * Loading: the schema is introspected through the upstream pipeline (or read from `schemaFile`),
 * the lookups (config `lookups` and `@lookup` in the file) are checked against it, and a
 * federation v2 SDL is generated for composition: entities get `@key`, other object types
 * `@shareable`. Executing: an in-process subgraph whose root fields delegate to the service and
 * whose `_entities` calls the lookup fields. See `docs/graphql-service.md`.
 */
import { Subschema } from '@graphql-tools/delegate';
import { print } from 'graphql';
import type { GraphqlSubgraphConfig } from '../../gateway/config/index.ts';
import type { SubgraphDefinition, SubgraphLoader } from '../types.ts';
import { buildServiceSubgraphSchema, createServiceExecutor } from './executable.ts';
import { configLookups, directiveLookups, resolveLookups } from './lookups.ts';
import { introspectService, readServiceSchema } from './source.ts';
import { federationServiceSdl, normalisedServiceSdl } from './subgraph-sdl.ts';

export function graphqlServiceLoader(config: GraphqlSubgraphConfig): SubgraphLoader {
  return async function loadGraphqlService(context): Promise<SubgraphDefinition> {
    const remote = context.remoteExecutor(config);
    const schema =
      config.schemaFile !== undefined
        ? await readServiceSchema(config.name, config.schemaFile)
        : await introspectService(config.name, remote);
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
      subschema: new Subschema({ name: config.name, schema, executor: remote }),
      lookups,
    });
    return {
      name: config.name,
      typeDefs,
      executor: createServiceExecutor(config.name, subgraphSchema),
      url: config.url,
    };
  };
}
