/**
 * `subgraphs[].cost`: the `@cost` and `@listSize` of backends whose SDL cannot carry them (REST,
 * plain GraphQL), declared by coordinate in the config. Each is checked against the supergraph:
 * the coordinate must exist, be the subgraph's, and take what is declared (a list size on a field,
 * its slicing arguments among the field's arguments, its sized fields among the returned type's).
 * A subgraph not in this supergraph (not loaded yet) serves nothing: its costs wait until it is.
 */
import {
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  Kind,
} from 'graphql';
import { supergraphSubgraphs } from '../../schema/supergraph.ts';
import type { CostDeclarationConfig, SubgraphCostConfig } from '../config/demand-control-schema.ts';
import type { CostDeclaration } from './directives.ts';

const COORDINATE = /^([_A-Za-z]\w*)(?:\.([_A-Za-z]\w*)(?:\(([_A-Za-z]\w*):\))?)?$/;

/** Adds each subgraph's config costs to `declarations` (a config value wins over the SDL's). */
export function addConfigCosts(
  document: DocumentNode,
  schema: GraphQLSchema,
  subgraphCosts: ReadonlyMap<string, SubgraphCostConfig>,
  declarations: Map<string, CostDeclaration>,
  problems: string[],
): void {
  const graphs = new Map(supergraphSubgraphs(document).map((s) => [s.name, s.enumValue]));
  const joins = joinsOf(document);
  for (const [subgraph, costs] of subgraphCosts) {
    const graph = graphs.get(subgraph);
    if (graph === undefined) continue;
    for (const [coordinate, declared] of Object.entries(costs ?? {})) {
      const where = `subgraphs[${subgraph}].cost["${coordinate}"]`;
      const problem = checkCoordinate(schema, joins, graph, coordinate, declared);
      if (problem !== undefined) {
        problems.push(`${where}: ${problem}`);
        continue;
      }
      const declaration = declarations.get(coordinate) ?? {};
      if (declared.weight !== undefined) declaration.weight = declared.weight;
      if (declared.listSize !== undefined) {
        declaration.listSize = {
          assumedSize: declared.listSize.assumedSize,
          slicingArguments: declared.listSize.slicingArguments ?? [],
          sizedFields: declared.listSize.sizedFields ?? [],
          requireOneSlicingArgument: declared.listSize.requireOneSlicingArgument,
        };
      }
      declarations.set(coordinate, declaration);
    }
  }
}

/** What is wrong with declaring `declared` at `coordinate` for `graph`; undefined when nothing. */
function checkCoordinate(
  schema: GraphQLSchema,
  joins: Joins,
  graph: string,
  coordinate: string,
  declared: CostDeclarationConfig,
): string | undefined {
  const [, typeName, fieldName, argumentName] = COORDINATE.exec(coordinate) ?? [];
  const type = typeName === undefined ? undefined : schema.getType(typeName);
  if (type === undefined || typeName === undefined) {
    return `the schema has no type ${typeName ?? coordinate}; use a coordinate of the schema`;
  }
  if (!joins.types.get(typeName)?.has(graph)) {
    return `type ${typeName} is not part of this subgraph; declare the cost on the subgraph that defines it`;
  }
  if (fieldName === undefined) {
    if (declared.listSize !== undefined) return 'a list size belongs on a field (`Type.field`)';
    if (!isObjectType(type) && !isScalarType(type) && !isEnumType(type)) {
      return 'a type weight applies to objects, scalars and enums; put it on the fields instead';
    }
    return undefined;
  }
  const fields =
    isObjectType(type) || isInterfaceType(type) || isInputObjectType(type) ? type.getFields() : {};
  const field = fields[fieldName];
  if (field === undefined)
    return `type ${typeName} has no field ${fieldName}; use a coordinate of the schema`;
  const served = joins.fields.get(`${typeName}.${fieldName}`);
  if (served !== undefined && !served.has(graph)) {
    return `field ${typeName}.${fieldName} is not resolved by this subgraph; declare the cost on the subgraph that resolves it`;
  }
  if (argumentName !== undefined || isInputObjectType(type)) {
    if (declared.listSize !== undefined) return 'a list size belongs on an output field (`Type.field`)';
    if (argumentName !== undefined && !('args' in field && field.args.some((a) => a.name === argumentName))) {
      return `field ${typeName}.${fieldName} has no argument ${argumentName}`;
    }
    return undefined;
  }
  const listSize = declared.listSize;
  if (listSize === undefined || !('args' in field)) return undefined;
  for (const name of listSize.slicingArguments ?? []) {
    if (!field.args.some((a) => a.name === name)) {
      return `listSize.slicingArguments names ${name}, which is not an argument of ${typeName}.${fieldName}`;
    }
  }
  const returned = getNamedType(field.type);
  const returnedFields = isObjectType(returned) || isInterfaceType(returned) ? returned.getFields() : {};
  for (const name of listSize.sizedFields ?? []) {
    if (returnedFields[name] === undefined) {
      return `listSize.sizedFields names ${name}, which is not a field of ${returned.name}`;
    }
  }
  return undefined;
}

interface Joins {
  /** Type name → the graphs (`join__Graph` values) that define it. */
  types: Map<string, Set<string>>;
  /** `Type.field` → the graphs of its `@join__field`s; absent: every graph of its type. */
  fields: Map<string, Set<string>>;
}

function joinsOf(document: DocumentNode): Joins {
  const types = new Map<string, Set<string>>();
  const fields = new Map<string, Set<string>>();
  const graphsOf = (directives: readonly ConstDirectiveNode[] | undefined, name: string) =>
    (directives ?? [])
      .filter((d) => d.name.value === name)
      .flatMap((d) => {
        const value = d.arguments?.find((a) => a.name.value === 'graph')?.value;
        return value?.kind === Kind.ENUM ? [value.value] : [];
      });
  for (const definition of document.definitions) {
    if (!('name' in definition) || definition.name === undefined || !('directives' in definition)) continue;
    const typeName = definition.name.value;
    const typeGraphs = types.get(typeName) ?? new Set<string>();
    types.set(typeName, typeGraphs);
    for (const graph of graphsOf(definition.directives as readonly ConstDirectiveNode[], 'join__type')) {
      typeGraphs.add(graph);
    }
    if (!('fields' in definition) || definition.fields === undefined) continue;
    for (const field of definition.fields) {
      const graphs = graphsOf(field.directives, 'join__field');
      // A `@join__field` without a graph (an override's leftover) does not restrict the field.
      if (graphs.length > 0) fields.set(`${typeName}.${field.name.value}`, new Set(graphs));
    }
  }
  return { types, fields };
}
