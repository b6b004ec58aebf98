/**
 * The cost index of one schema, built once when it is put in service: for every field of every
 * object and interface type, what selecting it costs before its selection (its weight), whether
 * it returns a list and how long (`@listSize`), and which of its arguments may cost something.
 * The per-operation walk (calculate.ts) then reads two map entries per selected field.
 *
 * Weights (Apollo's and the IBM cost spec's defaults): `@cost` on the field, else `@cost` on the
 * type it returns, else 1 for an object, interface or union and 0 for a scalar or enum.
 */
import {
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isObjectType,
  parse,
} from 'graphql';
import type { SubgraphCostConfig } from '../config/demand-control-schema.ts';
import { addConfigCosts } from './config-costs.ts';
import { type CostDeclaration, type ListSize, readSdlCosts } from './directives.ts';

/** An argument or input field that may cost something. */
export interface InputCost {
  /** Its own `@cost`, counted when a value is given. */
  readonly weight: number;
  readonly type: GraphQLInputType;
}

/** What selecting one field costs, before its selection. */
export interface FieldCost {
  readonly weight: number;
  /** It returns a list (of any depth): its selection counts once per item. */
  readonly list: boolean;
  /** The type its selection is on. */
  readonly type: GraphQLNamedType;
  readonly listSize: ListSize | undefined;
  /** The default values of its slicing arguments that have one. */
  readonly slicingDefaults: ReadonlyMap<string, unknown> | undefined;
  /** The arguments that may cost something; undefined when none may. */
  readonly arguments: ReadonlyMap<string, InputCost> | undefined;
}

export interface CostIndex {
  /** Type name → field name → its cost. */
  readonly fields: ReadonlyMap<string, ReadonlyMap<string, FieldCost>>;
  /** Input type name → the fields that may cost something (those with none are left out). */
  readonly inputFields: ReadonlyMap<string, ReadonlyMap<string, InputCost>>;
}

export interface IndexInput {
  supergraphSdl: string;
  /** The public schema (what operations are validated against). */
  schema: GraphQLSchema;
  /** Each subgraph's `cost` from the config, by subgraph name. */
  subgraphCosts: ReadonlyMap<string, SubgraphCostConfig>;
}

/** Builds the index; `problems` lists what cannot be read (the index is then not to be used). */
export function buildCostIndex(input: IndexInput): { index: CostIndex; problems: string[] } {
  const problems: string[] = [];
  const document = parse(input.supergraphSdl, { noLocation: true });
  const declarations = readSdlCosts(document, problems);
  addConfigCosts(document, input.schema, input.subgraphCosts, declarations, problems);
  const weightOf = (coordinate: string) => declarations.get(coordinate)?.weight;

  const inputFields = inputCosts(input.schema, declarations);
  const mayCost = (type: GraphQLInputType) => {
    const named = getNamedType(type);
    return isInputObjectType(named) && inputFields.has(named.name);
  };
  const fields = new Map<string, Map<string, FieldCost>>();
  for (const type of Object.values(input.schema.getTypeMap())) {
    if ((!isObjectType(type) && !isInterfaceType(type)) || type.name.startsWith('__')) continue;
    const costs = new Map<string, FieldCost>();
    for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
      const coordinate = `${type.name}.${field.name}`;
      const named = getNamedType(field.type);
      let args: Map<string, InputCost> | undefined;
      for (const argument of field.args) {
        const weight = weightOf(`${coordinate}(${argument.name}:)`) ?? 0;
        if (weight === 0 && !mayCost(argument.type)) continue;
        args ??= new Map();
        args.set(argument.name, { weight, type: argument.type });
      }
      const listSize = declarations.get(coordinate)?.listSize;
      let slicingDefaults: Map<string, unknown> | undefined;
      for (const argument of field.args) {
        if (argument.defaultValue === undefined || !listSize?.slicingArguments.includes(argument.name))
          continue;
        slicingDefaults ??= new Map();
        slicingDefaults.set(argument.name, argument.defaultValue);
      }
      costs.set(field.name, {
        weight: weightOf(coordinate) ?? weightOf(named.name) ?? (isCompositeType(named) ? 1 : 0),
        list: isListType(getNullableType(field.type)),
        type: named,
        listSize,
        slicingDefaults,
        arguments: args,
      });
    }
    fields.set(type.name, costs);
  }
  return { index: { fields, inputFields }, problems: [...new Set(problems)] };
}

/**
 * The input fields that may cost something: a weight of their own, or an input type holding one
 * (however deep). Input types may refer to each other: passes repeat until nothing is added.
 */
function inputCosts(
  schema: GraphQLSchema,
  declarations: ReadonlyMap<string, CostDeclaration>,
): Map<string, Map<string, InputCost>> {
  const result = new Map<string, Map<string, InputCost>>();
  const inputTypes = Object.values(schema.getTypeMap()).filter(
    (type) => isInputObjectType(type) && !type.name.startsWith('__'),
  );
  let added = true;
  while (added) {
    added = false;
    for (const type of inputTypes) {
      if (!isInputObjectType(type)) continue;
      const fields = new Map<string, InputCost>();
      for (const field of Object.values(type.getFields())) {
        const weight = declarations.get(`${type.name}.${field.name}`)?.weight ?? 0;
        if (weight > 0 || result.has(getNamedType(field.type).name)) {
          fields.set(field.name, { weight, type: field.type });
        }
      }
      if (fields.size > (result.get(type.name)?.size ?? 0)) {
        result.set(type.name, fields);
        added = true;
      }
    }
  }
  return result;
}
