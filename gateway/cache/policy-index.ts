/**
 * The cache policies of one schema, built once when it is put in service: `@cacheControl` on
 * fields and types (objects, interfaces, unions), from the supergraph SDL, where composition keeps
 * what a subgraph shares with `@composeDirective` (linked as `https://gatehouse.dev/cacheControl/v0.1`,
 * or under any spec URL that imports `@cacheControl`, as Apollo's subgraphs do), and from each
 * subgraph's `cacheControl` in the config (REST and plain GraphQL backends).
 *
 * When several subgraphs (or the SDL and the config) declare a policy on one coordinate, the
 * strictest wins: the smallest `maxAge`, `PRIVATE` over `PUBLIC`. A policy the gateway cannot read
 * keeps the schema out of service (CONFIG_INVALID naming the coordinate): arguments of the wrong
 * shape, a config coordinate that is not in the schema or not the subgraph's.
 */
import { type DocumentNode, type GraphQLSchema, Kind, parse } from 'graphql';
import { linkedDirectiveName } from '../../schema/federation/gateway-directives.ts';
import { resolveCoordinate, supergraphCoordinates } from '../../schema/supergraph-coordinates.ts';
import {
  type CacheControlConfig,
  cacheControlSchema,
  type SubgraphCacheControlConfig,
} from '../config/cache-schema.ts';
import { directiveArguments } from '../config/directive-arguments.ts';
import { type EntityKeys, entityKeysOf } from './entity-keys.ts';

/** One declared policy (any argument may be absent). */
export type CacheHint = CacheControlConfig;

export interface CachePolicyIndex {
  /** `Type.field` → its hint; absent when none. */
  readonly fields: ReadonlyMap<string, CacheHint>;
  /** Type name (object, interface, union) → its hint; absent when none. */
  readonly types: ReadonlyMap<string, CacheHint>;
  /** Each entity type's keys (tags.ts: what answers are kept under, what mutations purge). */
  readonly keys: EntityKeys;
}

export interface CacheIndexInput {
  supergraphSdl: string;
  schema: GraphQLSchema;
  /** Each subgraph's `cacheControl` from the config, by subgraph name. */
  subgraphHints: ReadonlyMap<string, SubgraphCacheControlConfig>;
}

/** Builds the index; `problems` lists what cannot be read (the index is then not to be used). */
export function buildCachePolicyIndex(input: CacheIndexInput): {
  index: CachePolicyIndex;
  problems: string[];
} {
  const problems: string[] = [];
  const document = parse(input.supergraphSdl, { noLocation: true });
  const name = linkedDirectiveName(document, 'cacheControl');
  const fields = new Map<string, CacheHint>();
  const types = new Map<string, CacheHint>();
  const add = (map: Map<string, CacheHint>, coordinate: string, hint: CacheHint) => {
    const known = map.get(coordinate);
    map.set(coordinate, known === undefined ? hint : strictest(known, hint));
  };

  for (const definition of document.definitions) {
    if (!('name' in definition) || definition.name === undefined) continue;
    const typeName = definition.name.value;
    if (!('directives' in definition)) continue;
    const isType =
      definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
      definition.kind === Kind.OBJECT_TYPE_EXTENSION ||
      definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
      definition.kind === Kind.INTERFACE_TYPE_EXTENSION ||
      definition.kind === Kind.UNION_TYPE_DEFINITION ||
      definition.kind === Kind.UNION_TYPE_EXTENSION;
    if (!isType) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== name) continue;
      const hint = directiveArguments(typeName, directive, cacheControlSchema, problems);
      if (hint !== undefined) add(types, typeName, hint);
    }
    if (!('fields' in definition)) continue;
    for (const field of definition.fields ?? []) {
      const coordinate = `${typeName}.${field.name.value}`;
      for (const directive of field.directives ?? []) {
        if (directive.name.value !== name) continue;
        const hint = directiveArguments(coordinate, directive, cacheControlSchema, problems);
        if (hint !== undefined) add(fields, coordinate, hint);
      }
    }
  }
  addConfigHints(document, input, problems, (kind, coordinate, hint) =>
    add(kind === 'type' ? types : fields, coordinate, hint),
  );
  return { index: { fields, types, keys: entityKeysOf(document) }, problems: [...new Set(problems)] };
}

/** The stricter of two hints on one coordinate: the smaller maxAge, PRIVATE over PUBLIC. */
export function strictest(a: CacheHint, b: CacheHint): CacheHint {
  const maxAge =
    a.maxAge === undefined ? b.maxAge : b.maxAge === undefined ? a.maxAge : Math.min(a.maxAge, b.maxAge);
  const scope = a.scope === 'PRIVATE' || b.scope === 'PRIVATE' ? 'PRIVATE' : (a.scope ?? b.scope);
  // Inheriting is kept only when both say so and neither sets its own maxAge.
  const inheritMaxAge = maxAge === undefined && a.inheritMaxAge === true && b.inheritMaxAge === true;
  return {
    ...(maxAge !== undefined && { maxAge }),
    ...(scope !== undefined && { scope }),
    ...(inheritMaxAge && { inheritMaxAge }),
  };
}

/** `subgraphs[].cacheControl`, each coordinate checked to be a type or field of that subgraph. */
function addConfigHints(
  document: DocumentNode,
  input: CacheIndexInput,
  problems: string[],
  add: (kind: 'type' | 'field', coordinate: string, hint: CacheHint) => void,
): void {
  if (input.subgraphHints.size === 0) return;
  const coordinates = supergraphCoordinates(document, input.schema);
  for (const [subgraph, hints] of input.subgraphHints) {
    // A subgraph not in this supergraph (not loaded yet) serves nothing: its hints wait.
    if (!coordinates.graphs.has(subgraph)) continue;
    for (const [coordinate, hint] of Object.entries(hints ?? {})) {
      const where = `subgraphs[${subgraph}].cacheControl["${coordinate}"]`;
      const resolved = resolveCoordinate(coordinates, subgraph, coordinate);
      if (!resolved.ok) problems.push(`${where}: ${resolved.problem}`);
      else if (resolved.kind === 'type') add('type', coordinate, hint);
      else if (resolved.kind === 'field') add('field', coordinate, hint);
      else problems.push(`${where}: a cache policy belongs on a type or an output field`);
    }
  }
}
