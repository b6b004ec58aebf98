/**
 * Rate limits on, for targets `gatehouse-limited` (memory store) and `gatehouse-limited-redis`
 * (Redis store): the plain config plus a field limit on every `Type.field` TestQuery selects,
 * declared in `subgraphs[].rateLimits` on every subgraph that resolves it, so large that it never
 * trips (the answer stays the fixture's). The coordinates are read from the TestQuery document
 * and the supergraph, never listed by hand, so they follow the fixture.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildASTSchema,
  type DocumentNode,
  type GraphQLSchema,
  isAbstractType,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { stringify } from 'yaml';
import { fieldGraphs, supergraphCoordinates } from '../../schema/supergraph-coordinates.ts';
import type { BenchSubgraphName } from '../../subgraphs/bench/schemas.ts';

/** One limit per field, never reached: 1e9 selections a minute per client address (the most allowed). */
export const NEVER_TRIPS = { limit: 1_000_000_000, window: '1m', by: 'ip', cost: 1 } as const;

/** Every `Type.field` the operations of `document` select (on each possible type of an abstract parent). */
export function selectedCoordinates(schema: GraphQLSchema, document: DocumentNode): string[] {
  const typeInfo = new TypeInfo(schema);
  const found = new Set<string>();
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        const name = node.name.value;
        if (parent === null || name.startsWith('__')) return;
        const types = isAbstractType(parent) ? schema.getPossibleTypes(parent) : [parent];
        for (const type of types) if (type && name in type.getFields()) found.add(`${type.name}.${name}`);
      },
    }),
  );
  return [...found].sort();
}

/**
 * The `rateLimits` of each subgraph: every coordinate `query` selects, on each subgraph that
 * resolves it (per the supergraph's join directives; a key field on each graph of its type).
 */
export function fieldLimitsBySubgraph(
  supergraphSdl: string,
  query: string,
): Record<string, Record<string, typeof NEVER_TRIPS>> {
  const document = parse(supergraphSdl, { noLocation: true });
  const schema = buildASTSchema(document, { assumeValidSDL: true });
  const index = supergraphCoordinates(document, schema);
  const subgraphOf = new Map([...index.graphs].map(([name, graph]) => [graph, name]));
  const limits: Record<string, Record<string, typeof NEVER_TRIPS>> = {};
  for (const coordinate of selectedCoordinates(schema, parse(query))) {
    const [type, field] = coordinate.split('.') as [string, string];
    const graphs = fieldGraphs(index, type, field);
    if (graphs.size === 0) throw new Error(`no subgraph resolves ${coordinate} in the supergraph`);
    for (const graph of graphs) {
      const subgraph = subgraphOf.get(graph) ?? graph.toLowerCase();
      // A copy each: the YAML then spells every limit out (no anchors and aliases).
      limits[subgraph] = { ...limits[subgraph], [coordinate]: { ...NEVER_TRIPS } };
    }
  }
  return limits;
}

export interface LimitedConfigs {
  /** `gatehouse-limited`: field limits, memory store. */
  memoryFile: string;
  /** `gatehouse-limited-redis`: the same kept in Redis at `redisUrl`; absent without a Redis. */
  redisFile?: string;
  /** The coordinates limited, for the reports and tests. */
  coordinates: readonly string[];
}

/** Writes the two configs into `workDir`. */
export function writeLimitedConfigs(
  workDir: string,
  subgraphUrls: Readonly<Record<BenchSubgraphName, string>>,
  supergraphSdl: string,
  query: string,
  redisUrl: string | undefined,
): LimitedConfigs {
  const limits = fieldLimitsBySubgraph(supergraphSdl, query);
  const config = (rateLimit: object, extra: object = {}) =>
    stringify({
      server: { host: '127.0.0.1', graphiql: false },
      ...extra,
      rateLimit,
      subgraphs: (Object.keys(subgraphUrls) as BenchSubgraphName[]).map((name) => ({
        name,
        kind: 'federation',
        url: subgraphUrls[name],
        ...(limits[name] && { rateLimits: limits[name] }),
      })),
    });
  const memoryFile = join(workDir, 'gatehouse-limited.config.yaml');
  writeFileSync(memoryFile, config({ store: 'memory' }));
  let redisFile: string | undefined;
  if (redisUrl !== undefined) {
    redisFile = join(workDir, 'gatehouse-limited-redis.config.yaml');
    // A late answer (past `storeTimeout`, 20 ms by default) would be counted in the process
    // instead, and Redis then left alone for a second: this Redis shares a core with the load
    // generator and the subgraphs, so under load it can be late, and the run would measure the
    // memory store. With 1 s every operation's checks are Redis's (the logs warn otherwise).
    writeFileSync(redisFile, config({ store: 'redis', storeTimeout: '1s' }, { redis: { url: redisUrl } }));
  }
  const coordinates = [...new Set(Object.values(limits).flatMap((l) => Object.keys(l)))].sort();
  return { memoryFile, ...(redisFile !== undefined && { redisFile }), coordinates };
}
