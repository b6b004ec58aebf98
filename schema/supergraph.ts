/**
 * From a supergraph SDL to the executable schema the gateway serves: the federation query
 * planner of `@graphql-tools/federation`, with each subgraph's executor supplied by us, so every
 * upstream call goes through our pipeline (pooled client, timeouts, dedup, error mapping).
 */
import { getStitchedSchemaFromSupergraphSdl } from '@graphql-tools/federation';
import { type DocumentNode, type GraphQLSchema, Kind, parse } from 'graphql';
import { currentOverride } from '../core/override-draw.ts';
import { type SubgraphExecutor, toToolsExecutor } from '../core/subgraph-call.ts';
import { locateSubgraphErrors } from './federation/locate-errors.ts';
import { publicSchema } from './federation/public-schema.ts';

export interface SupergraphSubgraph {
  /** Name as written in `join__graph(name:)`. */
  name: string;
  /** Value of the `join__Graph` enum, e.g. `ACCOUNTS`. */
  enumValue: string;
  url: string;
}

/** Lists the subgraphs a supergraph SDL names in its `join__Graph` enum. */
export function supergraphSubgraphs(supergraph: string | DocumentNode): SupergraphSubgraph[] {
  const document = typeof supergraph === 'string' ? parse(supergraph, { noLocation: true }) : supergraph;
  const graphEnum = document.definitions.find(
    (d) => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === 'join__Graph',
  );
  if (graphEnum === undefined || graphEnum.kind !== Kind.ENUM_TYPE_DEFINITION) return [];
  return (graphEnum.values ?? []).map((value) => {
    const args = value.directives?.find((d) => d.name.value === 'join__graph')?.arguments ?? [];
    const arg = (name: string) => {
      const node = args.find((a) => a.name.value === name)?.value;
      return node?.kind === Kind.STRING ? node.value : undefined;
    };
    return {
      name: arg('name') ?? value.name.value.toLowerCase(),
      enumValue: value.name.value,
      url: arg('url') ?? '',
    };
  });
}

/**
 * Builds the executable schema. `executorFor` is asked once per subgraph, by its name; a subgraph
 * it has no executor for is an error (every subgraph in the supergraph must be reachable somehow).
 */
export function buildGatewaySchema(
  supergraphSdl: string,
  executorFor: (subgraph: SupergraphSubgraph) => SubgraphExecutor,
): GraphQLSchema {
  const document = parse(supergraphSdl, { noLocation: true });
  const subgraphs = supergraphSubgraphs(document);
  const byKey = new Map<string, SupergraphSubgraph>();
  for (const s of subgraphs) {
    byKey.set(s.name, s);
    byKey.set(s.enumValue, s);
  }
  return getStitchedSchemaFromSupergraphSdl({
    supergraphSdl: document,
    // One draw and one set of flag labels per operation (core/override-draw.ts); outside an
    // operation (never in practice) a fresh draw and no labels.
    getRng: () => currentOverride()?.draw ?? Math.random(),
    handleProgressiveOverride: (label: string) => currentOverride()?.labels.has(label) ?? false,
    onSubschemaConfig(config) {
      const subgraph = byKey.get(config.name) ?? byKey.get(config.name.toUpperCase());
      if (subgraph === undefined) throw new Error(`supergraph names an unknown subgraph "${config.name}"`);
      config.executor = toToolsExecutor(executorFor(subgraph));
    },
    // The planner loses list positions of entity errors: put them back at the client's path;
    // then hide the federation directives and types the stitched schema still holds.
    onStitchedSchema: (schema) => publicSchema(locateSubgraphErrors(schema, (name) => byKey.get(name)?.name)),
  });
}
