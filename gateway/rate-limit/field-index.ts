/**
 * The field limits of one schema, built once when it is put in service: `Type.field` of every
 * object type → the limits selecting it spends. Read from the supergraph SDL, where composition
 * keeps the `@rateLimit` a subgraph shares with `@composeDirective` (linked as
 * `https://gatehouse.dev/rateLimit/v0.1`, whose root directive it is; its local name is read from the link's `import`), and
 * from each subgraph's `rateLimits` in the config (REST and plain GraphQL backends). A limit on
 * an interface's field applies to that field of every implementation, in one counter.
 *
 * A limit the gateway cannot enforce keeps the schema out of service (CONFIG_INVALID naming the
 * coordinate): arguments of the wrong shape (checked as the config's `subgraphs[].rateLimits`
 * is), a spec version it does not read, a config coordinate that is not in the schema or not the
 * subgraph's field.
 */
import { type DocumentNode, type GraphQLSchema, isInterfaceType, isObjectType, parse } from 'graphql';
import { linkedDirectiveName } from '../../schema/federation/gateway-directives.ts';
import { resolveCoordinate, supergraphCoordinates } from '../../schema/supergraph-coordinates.ts';
import { directiveArguments } from '../config/directive-arguments.ts';
import {
  type FieldLimitConfig,
  fieldLimitSchema,
  type SubgraphFieldLimitsConfig,
} from '../config/rate-limit-schema.ts';

/** One field limit, as declared: its counters are named by the coordinate that declares it. */
export interface FieldLimit {
  /** Where it is declared (`Query.search`, or an interface's field): its name in keys and headers. */
  declaredAt: string;
  config: FieldLimitConfig;
}

export interface FieldLimitIndex {
  /** `Type.field` of object types → the limits selecting it spends; absent when none. */
  readonly fields: ReadonlyMap<string, readonly FieldLimit[]>;
}

export interface FieldIndexInput {
  supergraphSdl: string;
  /** The public schema (what operations are validated against). */
  schema: GraphQLSchema;
  /** Each subgraph's `rateLimits` from the config, by subgraph name. */
  subgraphLimits: ReadonlyMap<string, SubgraphFieldLimitsConfig>;
}

const VERSIONS = ['v0.1'];

/** Builds the index; `problems` lists what cannot be enforced (the index is then not to be used). */
export function buildFieldLimitIndex(input: FieldIndexInput): { index: FieldLimitIndex; problems: string[] } {
  const problems: string[] = [];
  const document = parse(input.supergraphSdl, { noLocation: true });
  const name = directiveName(document, problems);
  const declared = new Map<string, FieldLimit[]>();
  const add = (coordinate: string, config: FieldLimitConfig) => {
    const list = declared.get(coordinate) ?? [];
    list.push({ declaredAt: coordinate, config });
    declared.set(coordinate, list);
  };

  for (const definition of document.definitions) {
    if (!('name' in definition) || definition.name === undefined || !('fields' in definition)) continue;
    for (const field of definition.fields ?? []) {
      const coordinate = `${definition.name.value}.${field.name.value}`;
      for (const directive of field.directives ?? []) {
        if (directive.name.value !== name) continue;
        const config = directiveArguments(coordinate, directive, fieldLimitSchema, problems);
        if (config !== undefined) add(coordinate, config);
      }
    }
  }
  addConfigLimits(document, input, problems, add);

  // Each object field spends its own limits and those of the interface fields it implements.
  const fields = new Map<string, FieldLimit[]>();
  for (const [coordinate, limits] of declared) {
    const [typeName, fieldName] = coordinate.split('.') as [string, string];
    const type = input.schema.getType(typeName);
    if (isObjectType(type)) {
      if (type.getFields()[fieldName] === undefined) continue; // @inaccessible: never selected
      fields.set(coordinate, [...(fields.get(coordinate) ?? []), ...limits]);
    } else if (isInterfaceType(type)) {
      for (const object of input.schema.getPossibleTypes(type)) {
        if (object.getFields()[fieldName] === undefined) continue;
        const own = `${object.name}.${fieldName}`;
        fields.set(own, [...(fields.get(own) ?? []), ...limits]);
      }
    } else if (type !== undefined) {
      problems.push(`${coordinate}: @${name} applies to fields of objects and interfaces`);
    }
  }
  return { index: { fields }, problems: [...new Set(problems)] };
}

/** `subgraphs[].rateLimits`, each coordinate checked to be a field of that subgraph. */
function addConfigLimits(
  document: DocumentNode,
  input: FieldIndexInput,
  problems: string[],
  add: (coordinate: string, config: FieldLimitConfig) => void,
): void {
  if (input.subgraphLimits.size === 0) return;
  const coordinates = supergraphCoordinates(document, input.schema);
  for (const [subgraph, limits] of input.subgraphLimits) {
    // A subgraph not in this supergraph (not loaded yet) serves nothing: its limits wait.
    if (!coordinates.graphs.has(subgraph)) continue;
    for (const [coordinate, config] of Object.entries(limits ?? {})) {
      const where = `subgraphs[${subgraph}].rateLimits["${coordinate}"]`;
      const resolved = resolveCoordinate(coordinates, subgraph, coordinate);
      if (!resolved.ok) problems.push(`${where}: ${resolved.problem}`);
      else if (resolved.kind !== 'field') problems.push(`${where}: a rate limit belongs on an output field`);
      else add(coordinate, config);
    }
  }
}

/** The local name of `@rateLimit` in the supergraph; a linked version it does not read is a problem. */
function directiveName(document: DocumentNode, problems: string[]): string {
  return linkedDirectiveName(document, 'rateLimit', (url, version) => {
    if (!VERSIONS.includes(version))
      problems.push(
        `the supergraph links ${url}; the gateway reads rateLimit ${VERSIONS.join(', ')}: link that version in the subgraphs`,
      );
  });
}
