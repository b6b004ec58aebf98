/**
 * Schema coordinates checked against a supergraph, for the config that declares something by
 * coordinate on behalf of one subgraph (`subgraphs[].policies`, `subgraphs[].cost`): does the
 * coordinate exist in the public schema, and is it that subgraph's?
 *
 * A type is a subgraph's when it has `@join__type(graph:)` for it. A field is resolved by:
 * - without `@join__field`: every graph of its type;
 * - else each graph of a `@join__field(graph:)`, except one that only references the field
 *   (`external: true`), one whose field was overridden and is kept for its keys or requires
 *   (`usedOverridden: true`) and one another graph's `@join__field(override:)` names without
 *   `overrideLabel` (a progressive override leaves both graphs resolving it, each for a share);
 * - a `@join__field` without `graph` marks a field composition adds to an object from an
 *   `@interfaceObject`: it is resolved by the graphs that resolve it on that interface (those with
 *   `@join__type(isInterfaceObject: true)` on it), or, when none does (a hand-written
 *   supergraph), by every graph of its type.
 */
import {
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLSchema,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  Kind,
} from 'graphql';
import { supergraphSubgraphs } from './supergraph.ts';

/** The join directives of one supergraph, by coordinate; built once (`supergraphCoordinates`). */
export interface SupergraphCoordinates {
  readonly schema: GraphQLSchema;
  /** Subgraph name → its `join__Graph` value. */
  readonly graphs: ReadonlyMap<string, string>;
  /** Type name → its `@join__type`s (every definition and extension). */
  readonly types: ReadonlyMap<string, readonly ConstDirectiveNode[]>;
  /** `Type.field` (output and input fields) → its `@join__field`s; absent when none. */
  readonly fields: ReadonlyMap<string, readonly ConstDirectiveNode[]>;
}

export type CoordinateKind = 'type' | 'field' | 'argument' | 'inputField';

export type ResolvedCoordinate =
  | { ok: true; kind: 'type'; type: string }
  | { ok: true; kind: 'field' | 'inputField'; type: string; field: string }
  | { ok: true; kind: 'argument'; type: string; field: string; argument: string };

/** Why a coordinate is not the subgraph's: `problem` says it and what to do, for a config problem. */
export interface CoordinateProblem {
  ok: false;
  reason: 'syntax' | 'no-type' | 'not-in-subgraph' | 'no-field' | 'not-resolved' | 'no-argument';
  problem: string;
}

const COORDINATE = /^([_A-Za-z]\w*)(?:\.([_A-Za-z]\w*)(?:\(([_A-Za-z]\w*):\))?)?$/;

export function supergraphCoordinates(document: DocumentNode, schema: GraphQLSchema): SupergraphCoordinates {
  const types = new Map<string, ConstDirectiveNode[]>();
  const fields = new Map<string, ConstDirectiveNode[]>();
  const joins = (directives: readonly ConstDirectiveNode[] | undefined, name: string) =>
    (directives ?? []).filter((d) => d.name.value === name);
  for (const definition of document.definitions) {
    if (!('name' in definition) || definition.name === undefined || !('directives' in definition)) continue;
    const typeName = definition.name.value;
    const typeJoins = joins(definition.directives as readonly ConstDirectiveNode[], 'join__type');
    types.set(typeName, [...(types.get(typeName) ?? []), ...typeJoins]);
    if (!('fields' in definition) || definition.fields === undefined) continue;
    for (const field of definition.fields) {
      const fieldJoins = joins(field.directives, 'join__field');
      const coordinate = `${typeName}.${field.name.value}`;
      if (fieldJoins.length > 0) fields.set(coordinate, [...(fields.get(coordinate) ?? []), ...fieldJoins]);
    }
  }
  const graphs = new Map(supergraphSubgraphs(document).map((s) => [s.name, s.enumValue]));
  return { schema, graphs, types, fields };
}

/** The graphs (`join__Graph` values) of a type's `@join__type`s. */
export function typeGraphs(index: SupergraphCoordinates, typeName: string): Set<string> {
  return new Set((index.types.get(typeName) ?? []).flatMap((d) => graphOf(d) ?? []));
}

/** The graphs (`join__Graph` values) that resolve `Type.field` (see the rules above). */
export function fieldGraphs(index: SupergraphCoordinates, typeName: string, fieldName: string): Set<string> {
  const joins = index.fields.get(`${typeName}.${fieldName}`);
  if (joins === undefined) return typeGraphs(index, typeName);
  const resolving = new Set<string>();
  const overridden = new Set<string>();
  let graphless = false;
  for (const join of joins) {
    const graph = graphOf(join);
    if (graph === undefined) graphless = true;
    else if (!argumentIs(join, 'external', true) && !argumentIs(join, 'usedOverridden', true)) {
      resolving.add(graph);
    }
    const from = stringArgument(join, 'override');
    if (from !== undefined && stringArgument(join, 'overrideLabel') === undefined) {
      const graph = index.graphs.get(from);
      if (graph !== undefined) overridden.add(graph);
    }
  }
  for (const graph of overridden) resolving.delete(graph);
  if (graphless) {
    const fromInterfaces = interfaceObjectGraphs(index, typeName, fieldName);
    for (const graph of fromInterfaces.size > 0 ? fromInterfaces : typeGraphs(index, typeName)) {
      resolving.add(graph);
    }
  }
  return resolving;
}

/** The graphs that resolve `fieldName` on an interface of `typeName` they declare as an `@interfaceObject`. */
function interfaceObjectGraphs(
  index: SupergraphCoordinates,
  typeName: string,
  fieldName: string,
): Set<string> {
  const type = index.schema.getType(typeName);
  const graphs = new Set<string>();
  if (!isObjectType(type)) return graphs;
  for (const itf of type.getInterfaces()) {
    const objectGraphs = (index.types.get(itf.name) ?? [])
      .filter((d) => argumentIs(d, 'isInterfaceObject', true))
      .flatMap((d) => graphOf(d) ?? []);
    if (objectGraphs.length === 0) continue;
    const resolving = fieldGraphs(index, itf.name, fieldName);
    for (const graph of objectGraphs) if (resolving.has(graph)) graphs.add(graph);
  }
  return graphs;
}

/**
 * Checks `coordinate` (`Type`, `Type.field`, `Type.field(argument:)`, `Input.field`) against the
 * public schema and the part of it `subgraph` (its name) serves. A subgraph the supergraph does
 * not name serves nothing: ask `index.graphs` first.
 */
export function resolveCoordinate(
  index: SupergraphCoordinates,
  subgraph: string,
  coordinate: string,
): ResolvedCoordinate | CoordinateProblem {
  const problem = (reason: CoordinateProblem['reason'], text: string): CoordinateProblem => ({
    ok: false,
    reason,
    problem: text,
  });
  const [, typeName, fieldName, argumentName] = COORDINATE.exec(coordinate) ?? [];
  if (typeName === undefined) {
    return problem(
      'syntax',
      `${coordinate} is not a schema coordinate; use Type, Type.field or Type.field(argument:)`,
    );
  }
  const type = index.schema.getType(typeName);
  if (type === undefined || !index.types.has(typeName)) {
    return problem('no-type', `the schema has no type ${typeName}; use a coordinate of the schema`);
  }
  const graph = index.graphs.get(subgraph);
  const notInSubgraph = () =>
    problem(
      'not-in-subgraph',
      `type ${typeName} is not part of subgraph ${subgraph}; declare it on the subgraph that defines it`,
    );
  const inSubgraph = graph !== undefined && typeGraphs(index, typeName).has(graph);
  if (fieldName === undefined)
    return inSubgraph ? { ok: true, kind: 'type', type: typeName } : notInSubgraph();

  const fields =
    isObjectType(type) || isInterfaceType(type) || isInputObjectType(type) ? type.getFields() : {};
  const field = fields[fieldName];
  // A field of an `@interfaceObject` is its subgraph's, though the object type is not.
  const resolved =
    field !== undefined && graph !== undefined && fieldGraphs(index, typeName, fieldName).has(graph);
  if (!inSubgraph && !resolved) return notInSubgraph();
  if (field === undefined)
    return problem('no-field', `type ${typeName} has no field ${fieldName}; use a coordinate of the schema`);
  if (!resolved) {
    return problem(
      'not-resolved',
      `field ${typeName}.${fieldName} is not resolved by subgraph ${subgraph}; declare it on the subgraph that resolves it`,
    );
  }
  if (argumentName === undefined) {
    return {
      ok: true,
      kind: isInputObjectType(type) ? 'inputField' : 'field',
      type: typeName,
      field: fieldName,
    };
  }
  if (!('args' in field) || !field.args.some((a) => a.name === argumentName)) {
    return problem(
      'no-argument',
      `field ${typeName}.${fieldName} has no argument ${argumentName}; use a coordinate of the schema`,
    );
  }
  return { ok: true, kind: 'argument', type: typeName, field: fieldName, argument: argumentName };
}

function graphOf(directive: ConstDirectiveNode): string | undefined {
  const value = directive.arguments?.find((a) => a.name.value === 'graph')?.value;
  return value?.kind === Kind.ENUM ? value.value : undefined;
}

function argumentIs(directive: ConstDirectiveNode, name: string, expected: boolean): boolean {
  const value = directive.arguments?.find((a) => a.name.value === name)?.value;
  return value?.kind === Kind.BOOLEAN && value.value === expected;
}

function stringArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const value = directive.arguments?.find((a) => a.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}
