/**
 * `subgraphs[].cost`: the `@cost` and `@listSize` of backends whose SDL cannot carry them (REST,
 * plain GraphQL), declared by coordinate in the config. Each is checked against the supergraph:
 * the coordinate must exist, be the subgraph's (schema/supergraph-coordinates.ts), and take what
 * is declared (a list size on a field, its slicing arguments among the field's arguments, its
 * sized fields among the returned type's). A subgraph not in this supergraph (not loaded yet)
 * serves nothing: its costs wait until it is.
 */
import {
  type DocumentNode,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInterfaceType,
  isObjectType,
  isScalarType,
} from 'graphql';
import {
  resolveCoordinate,
  type SupergraphCoordinates,
  supergraphCoordinates,
} from '../../schema/supergraph-coordinates.ts';
import type { CostDeclarationConfig, SubgraphCostConfig } from '../config/demand-control-schema.ts';
import type { CostDeclaration } from './directives.ts';

/** Adds each subgraph's config costs to `declarations` (a config value wins over the SDL's). */
export function addConfigCosts(
  document: DocumentNode,
  schema: GraphQLSchema,
  subgraphCosts: ReadonlyMap<string, SubgraphCostConfig>,
  declarations: Map<string, CostDeclaration>,
  problems: string[],
): void {
  const coordinates = supergraphCoordinates(document, schema);
  for (const [subgraph, costs] of subgraphCosts) {
    if (!coordinates.graphs.has(subgraph)) continue;
    for (const [coordinate, declared] of Object.entries(costs ?? {})) {
      const where = `subgraphs[${subgraph}].cost["${coordinate}"]`;
      const problem = checkCoordinate(coordinates, subgraph, coordinate, declared);
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

/** What is wrong with declaring `declared` at `coordinate` for `subgraph`; undefined when nothing. */
function checkCoordinate(
  coordinates: SupergraphCoordinates,
  subgraph: string,
  coordinate: string,
  declared: CostDeclarationConfig,
): string | undefined {
  const resolved = resolveCoordinate(coordinates, subgraph, coordinate);
  if (!resolved.ok) return resolved.problem;
  const type = coordinates.schema.getType(resolved.type);
  if (resolved.kind === 'type') {
    if (declared.listSize !== undefined) return 'a list size belongs on a field (`Type.field`)';
    if (!isObjectType(type) && !isScalarType(type) && !isEnumType(type)) {
      return 'a type weight applies to objects, scalars and enums; put it on the fields instead';
    }
    return undefined;
  }
  if (resolved.kind !== 'field') {
    return declared.listSize === undefined
      ? undefined
      : 'a list size belongs on an output field (`Type.field`)';
  }
  const listSize = declared.listSize;
  const field = isObjectType(type) || isInterfaceType(type) ? type.getFields()[resolved.field] : undefined;
  if (listSize === undefined || field === undefined) return undefined;
  for (const name of listSize.slicingArguments ?? []) {
    if (!field.args.some((a) => a.name === name)) {
      return `listSize.slicingArguments names ${name}, which is not an argument of ${coordinate}`;
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
